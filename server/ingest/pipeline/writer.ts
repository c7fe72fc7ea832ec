// The single writer of the event log: batches wait in a bounded queue and are
// committed one transaction at a time. When the queue is full the caller gets
// 503 with Retry-After before its body is even read (back-pressure, not loss);
// an acknowledgement is only ever given after the commit. One holder (a
// source) may take at most half the places, so that a few slow or greedy
// senders of one source cannot shut every other source out. Where the
// transaction runs is the executor's business: in this thread
// (`inlineExecutor`) or in the SQLite writer thread (writer-thread.ts).
import type { AuditService } from '../../audit/audit.service.ts';
import { Unavailable } from '../../errors.ts';
import type { Db, Trx } from '../../store/db.ts';
import { inTransaction } from '../../store/transaction.ts';
import type { BatchJob, JobResult } from './batch.ts';

export interface WriterTicket<J = BatchJob, R = JobResult> {
  /** Runs the job in the next batch transaction and resolves after the commit. */
  commit(job: J): Promise<R>;
  /** Frees the place in the queue (idempotent; done by `commit` when it settles). */
  release(): void;
}

export interface IngestWriter<J = BatchJob, R = JobResult> {
  /**
   * Takes a place in the queue, or throws 503 with Retry-After when it is full, when `holder` (a source id)
   * already holds its share (`maxPerHolder`), or when the writer is stopping.
   */
  reserve(holder?: string): WriterTicket<J, R>;
  /** Runs a small bookkeeping job (counters) outside the bound: it never carries records. `make` builds it when its turn comes. */
  enqueue(make: () => J): Promise<R>;
  /** Resolves once every job queued so far has settled. */
  drain(): Promise<void>;
  stats(): { pending: number; capacity: number; committed: number; averageMs: number };
  /** Refuses new batches from now on (503 `ingest.stopping`); the ones already queued still commit. */
  refuse(): void;
  /** Refuses new batches, waits for the queued ones to commit, then closes the executor. */
  stop(): Promise<void>;
}

/** The places one holder may take: half the queue, at least one. */
export function maxPerHolder(capacity: number): number {
  return Math.max(1, Math.floor(capacity / 2));
}

/** Runs one job to its commit (or its failure). */
export type BatchExecutor<J, R> = (job: J) => Promise<R>;

/** A transaction on this thread's connection: the chain's lock first, then `run`. */
export function inlineExecutor<J, R>(
  db: Db,
  audit: AuditService,
  run: (trx: Trx, job: J) => Promise<R>,
): BatchExecutor<J, R> {
  return (job) =>
    inTransaction(db, async (trx) => {
      // ORDER: take the audit chain's lock before the first insert. On
      // PostgreSQL it is held until commit, so event ids are assigned in
      // commit order: a reader of `id > cursor` (the detector) never sees a
      // larger id committed while a smaller one is still in flight, and thus
      // never skips an event. (SQLite's single writer gives this already.)
      await audit.lock(trx);
      return run(trx, job);
    });
}

export interface WriterDeps<J, R> {
  execute: BatchExecutor<J, R>;
  /**
   * Started as soon as a batch is handed to `commit`, before its turn: the
   * writer thread receives a batch's rows while it commits the one before.
   * What it returns is what `execute` is given when the turn comes.
   */
  prepare?: (job: J) => Promise<J>;
  capacity: number;
  close?: () => Promise<void>;
}

export function createIngestWriter<J = BatchJob, R = JobResult>(deps: WriterDeps<J, R>): IngestWriter<J, R> {
  const { execute, prepare, capacity } = deps;
  const share = maxPerHolder(capacity);
  const held = new Map<string, number>();
  let pending = 0;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let committed = 0;
  let averageMs = 0;
  let tail: Promise<unknown> = Promise.resolve();

  function run(make: () => J | Promise<J>): Promise<R> {
    const result = tail.then(async () => {
      const job = await make();
      const started = performance.now();
      const value = await execute(job);
      const ms = performance.now() - started;
      averageMs = committed ? averageMs * 0.9 + ms * 0.1 : ms;
      committed++;
      return value;
    });
    // The chain goes on whether this job failed or not.
    tail = result.catch(() => undefined);
    return result;
  }

  return {
    reserve(holder) {
      if (stopping) throw new Unavailable('ingest.stopping', 'Vigie is shutting down; retry shortly', 5);
      const retryAfter = () => Math.max(1, Math.ceil((averageMs * pending) / 1000));
      if (pending >= capacity) {
        const seconds = retryAfter();
        throw new Unavailable(
          'ingest.saturated',
          `The ingest queue is full (${capacity} batches); retry after ${seconds} s`,
          seconds,
          { retryAfterSeconds: seconds },
        );
      }
      const mine = holder === undefined ? 0 : (held.get(holder) ?? 0);
      if (holder !== undefined && mine >= share) {
        const seconds = retryAfter();
        throw new Unavailable(
          'ingest.source_saturated',
          `This source already has ${mine} batches in the ingest queue (at most ${share} of ${capacity}); retry after ${seconds} s`,
          seconds,
          { retryAfterSeconds: seconds, maxPerSource: share },
        );
      }
      pending++;
      if (holder !== undefined) held.set(holder, mine + 1);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          pending--;
          if (holder !== undefined) {
            const left = (held.get(holder) ?? 1) - 1;
            if (left) held.set(holder, left);
            else held.delete(holder);
          }
        }
      };
      return {
        async commit(job) {
          try {
            const prepared = prepare ? prepare(job) : job;
            // A failed handover is this batch's failure, when its turn comes (never an unhandled rejection before).
            if (prepared instanceof Promise) prepared.catch(() => undefined);
            return await run(() => prepared);
          } finally {
            release();
          }
        },
        release,
      };
    },
    enqueue: run,
    async drain() {
      await tail;
    },
    stats: () => ({ pending, capacity, committed, averageMs }),
    refuse() {
      stopping = true;
    },
    stop() {
      stopping = true;
      stopped ??= (async () => {
        // Jobs queued while draining (a refusals flush) are drained too.
        let seen: Promise<unknown>;
        do {
          seen = tail;
          await seen;
        } while (seen !== tail);
        await deps.close?.();
      })();
      return stopped;
    },
  };
}
