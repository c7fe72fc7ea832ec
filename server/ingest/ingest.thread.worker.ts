// The ingest writer thread: its own better-sqlite3 connection to the same
// database file (WAL: the main thread keeps reading on its own), running each
// batch job with the same code as the in-process writer (ingest.batch.ts).
// Messages: { id, job, now } in; { id, result } or { id, error } out.
import { parentPort, workerData } from 'node:worker_threads';
import { createAuditRepo } from '../audit/audit.repo.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { openStore } from '../store/db.ts';
import { batchRunnerOn, type BatchJob, type JobResult } from './ingest.batch.ts';
import { inlineExecutor } from './ingest.writer.ts';
import { sendError, type SentError } from './thread-errors.ts';
import type { WriterThreadData } from './ingest.thread.ts';

export type ToThread = { type: 'job'; id: number; job: BatchJob; now: number } | { type: 'close' };
export type FromThread = { id: number; result: JobResult } | { id: number; error: SentError };

/** How long the thread lets main-thread writers in before its next batch, at most. */
const FAIR_TURN_MS = 250;

const data = workerData as WriterThreadData;
const port = parentPort!;
const store = openStore({ kind: 'sqlite', file: data.file });
// The batch's time is the main thread's clock, read when the batch's turn came.
let now = 0;
const clock = { now: () => now };
const runner = batchRunnerOn(store, clock, { timelineChunk: data.timelineChunk });
const execute = inlineExecutor(store.db, createAuditService({ repo: createAuditRepo(), clock, dialect: 'sqlite' }), (trx, job: BatchJob) => runner.run(trx, job, now));

/** A main-thread writer waiting for the lock (db.ts counts them) goes first: the console's writes are never starved by a burst. */
function letMainThreadIn(): void {
  const until = performance.now() + FAIR_TURN_MS;
  for (let n = Atomics.load(data.waitingWriters, 0); n > 0 && performance.now() < until; n = Atomics.load(data.waitingWriters, 0)) {
    Atomics.wait(data.waitingWriters, 0, n, 2);
  }
}

// Jobs run one at a time, in arrival order (the main thread's writer queue sends them so).
let tail = Promise.resolve();
port.on('message', (message: ToThread) => {
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
      reply = { id: message.id, result: await execute(message.job) };
    } catch (error) {
      reply = { id: message.id, error: sendError(error) };
    }
    port.postMessage(reply);
  });
});
