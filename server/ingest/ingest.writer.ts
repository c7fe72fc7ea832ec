// The single writer of the event log: batches wait in a bounded queue and are
// committed one transaction at a time. When the queue is full the caller gets
// 503 with Retry-After before its body is even read (back-pressure, not loss);
// an acknowledgement is only ever given after the commit.
import type { AuditService } from '../audit/audit.service.ts';
import { Unavailable } from '../errors.ts';
import type { Db, Trx } from '../store/db.ts';

export interface WriterTicket {
  /** Runs `fn` in the next batch transaction (after the chain lock) and resolves after the commit. */
  commit<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** Frees the place in the queue (idempotent; done by `commit` when it settles). */
  release(): void;
}

export interface IngestWriter {
  /** Takes a place in the queue, or throws 503 with Retry-After when it is full or the writer is stopping. */
  reserve(): WriterTicket;
  /** Runs a small bookkeeping transaction (counters) outside the bound: it never carries records. */
  enqueue<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  stats(): { pending: number; capacity: number; committed: number; averageMs: number };
  /** Refuses new batches and waits for the queued ones to commit. */
  stop(): Promise<void>;
}

export function createIngestWriter(deps: { db: Db; audit: AuditService; capacity: number }): IngestWriter {
  const { db, audit, capacity } = deps;
  let pending = 0;
  let stopping = false;
  let committed = 0;
  let averageMs = 0;
  let tail: Promise<unknown> = Promise.resolve();

  function run<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    const result = tail.then(async () => {
      const started = performance.now();
      const value = await db.transaction().execute(async (trx) => {
        // ORDER: take the audit chain's lock before the first insert. On
        // PostgreSQL it is held until commit, so event ids are assigned in
        // commit order: a reader of `id > cursor` (the detector) never sees a
        // larger id committed while a smaller one is still in flight, and thus
        // never skips an event. (SQLite's single writer gives this already.)
        await audit.lock(trx);
        return fn(trx);
      });
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
    reserve() {
      if (stopping) throw new Unavailable('ingest.stopping', 'Vigie is shutting down; retry shortly', 5);
      if (pending >= capacity) {
        const seconds = Math.max(1, Math.ceil((averageMs * pending) / 1000));
        throw new Unavailable('ingest.saturated', `The ingest queue is full (${capacity} batches); retry after ${seconds} s`, seconds, { retryAfterSeconds: seconds });
      }
      pending++;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          pending--;
        }
      };
      return {
        async commit(fn) {
          try {
            return await run(fn);
          } finally {
            release();
          }
        },
        release,
      };
    },
    enqueue: run,
    stats: () => ({ pending, capacity, committed, averageMs }),
    async stop() {
      stopping = true;
      await tail;
    },
  };
}
