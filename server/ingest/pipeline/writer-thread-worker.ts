// The ingest writer thread: its own better-sqlite3 connection to the same
// database file (WAL: the main thread keeps reading on its own), running each
// batch job with the same code as the in-process writer (batch.ts).
// Messages: { id, job, now } in; { id, result } or { id, error } out.
import { parentPort, workerData } from 'node:worker_threads';
import { createAuditRepo } from '../../audit/audit.repo.ts';
import { createAuditService } from '../../audit/audit.service.ts';
import { Unavailable } from '../../errors.ts';
import { openStore } from '../../store/db.ts';
import { batchRunnerOn, type BatchJob } from './batch.ts';
import { sendError } from './thread-errors.ts';
import {
  rowsFromColumns,
  type BulkField,
  type FromThread,
  type ToThread,
  type WriterThreadData,
} from './writer-thread-protocol.ts';
import { inlineExecutor } from './writer.ts';

/** How long the thread lets main-thread writers in before its next batch, at most. */
const FAIR_TURN_MS = 250;

const data = workerData as WriterThreadData;
const port = parentPort!;
const store = openStore({ kind: 'sqlite', file: data.file });
// The batch's time is the main thread's clock, read when the batch's turn came.
let now = 0;
const clock = { now: () => now };
const runner = batchRunnerOn(store, clock, { timelineChunk: data.timelineChunk });
const execute = inlineExecutor(
  store.db,
  createAuditService({ repo: createAuditRepo(), clock, dialect: 'sqlite' }),
  (trx, job: BatchJob) => runner.run(trx, job, now),
);

/** A main-thread writer waiting for the lock (db.ts counts them) goes first: the console's writes are never starved by a burst. */
function letMainThreadIn(): void {
  const until = performance.now() + FAIR_TURN_MS;
  for (
    let n = Atomics.load(data.waitingWriters, 0);
    n > 0 && performance.now() < until;
    n = Atomics.load(data.waitingWriters, 0)
  ) {
    Atomics.wait(data.waitingWriters, 0, n, 2);
  }
}

/** Puts a job's arrays back together from the slices sent ahead; a missing slice fails the job. */
const parts = new Map<number, Map<BulkField, unknown[]>>();
function assemble(message: Extract<ToThread, { type: 'job' }>): BatchJob {
  const received = parts.get(message.id);
  parts.delete(message.id);
  const job: Record<string, unknown> = { ...message.job };
  for (const [field, count] of Object.entries(message.counts) as [BulkField, number][]) {
    const items = received?.get(field) ?? [];
    if (items.length !== count)
      throw new Unavailable(
        'ingest.handover_incomplete',
        `The writer thread received ${items.length} of the batch's ${count} ${field}; send the batch again`,
        1,
      );
    job[field] = items;
  }
  return job as BatchJob;
}

// Jobs run one at a time, in arrival order (the main thread's writer queue sends them so).
let tail = Promise.resolve();
port.postMessage({ type: 'ready' } satisfies FromThread);
port.on('message', (message: ToThread) => {
  if (message.type === 'part') {
    let fields = parts.get(message.id);
    if (!fields) parts.set(message.id, (fields = new Map()));
    const slice = 'columns' in message ? rowsFromColumns(message.columns) : message.items;
    const items = fields.get(message.field);
    if (items) for (const item of slice) items.push(item);
    else fields.set(message.field, slice);
    return;
  }
  if (message.type === 'close') {
    tail = tail.then(async () => {
      await store.close();
      port.close();
    });
    return;
  }
  tail = tail.then(async () => {
    letMainThreadIn();
    now = message.now;
    let reply: FromThread;
    try {
      reply = { id: message.id, result: await execute(assemble(message)) };
    } catch (error) {
      reply = { id: message.id, error: sendError(error) };
    }
    port.postMessage(reply);
  });
});
