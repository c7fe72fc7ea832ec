// The SQLite write path off the event loop: batch jobs run in a worker thread
// (writer-thread-worker.ts) with its own connection to the database file, so
// that a batch's synchronous better-sqlite3 work never holds the main thread.
// A job crosses as a structured clone of its validated rows, in slices of
// HANDOVER_SLICE (HANDOVER_SLICE_OBJECTS for alerts) with a turn of the event
// loop between them (cloning 10,000 rows at once holds the loop for tens of
// ms), while the thread still commits
// the batch before; the main thread then awaits the thread's answer, which
// comes only after the commit. If the thread dies, the batches it held fail
// (503: never acknowledged) and the next batch starts a new thread.
import { Worker } from 'node:worker_threads';
import { Unavailable } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { ValidAccessEvent } from './access-event-validation.ts';
import type { BatchJob, JobResult } from './batch.ts';
import { rebuildError } from './thread-errors.ts';
import {
  BULK_FIELDS,
  HANDOVER_SLICE,
  HANDOVER_SLICE_OBJECTS,
  rowsToColumns,
  type BulkField,
  type FromThread,
  type ToThread,
  type WriterThreadData,
} from './writer-thread-protocol.ts';

const BOOT = new URL('./writer-thread-boot.mjs', import.meta.url);
const ENTRY = new URL('./writer-thread-worker.ts', import.meta.url).href;
const CLOSE_WAIT_MS = 10_000;
/** What the thread was sent ahead for a job: by whom (the thread's generation) and how many of each. */
interface Handover {
  id: number;
  generation: number;
  counts: Partial<Record<BulkField, number>>;
}

export interface ThreadExecutor {
  /** Sends the job's arrays ahead; resolves to the stub `execute` takes. */
  prepare(job: BatchJob): Promise<BatchJob>;
  execute(job: BatchJob, now: number): Promise<JobResult>;
  /** Starts the thread now rather than at the first batch (it takes a moment to load); resolves once it is loaded. */
  warm(): Promise<void>;
  /** Lets the thread finish what it holds, close its connection and exit. */
  close(): Promise<void>;
  /** The running thread, if any (tests end it to check a crash is never acknowledged). */
  thread(): Worker | undefined;
}

export function createThreadExecutor(options: {
  file: string;
  waitingWriters: Int32Array;
  log: Logger;
  timelineChunk?: number;
}): ThreadExecutor {
  const { log } = options;
  const inFlight = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  const handovers = new WeakMap<BatchJob, Handover>();
  let nextId = 1;
  let worker: Worker | undefined;
  let loaded: Promise<void> = Promise.resolve();
  let generation = 0;
  let closing = false;
  const restarted = () =>
    new Unavailable(
      'ingest.writer_restarted',
      'The ingest writer stopped before this batch was acknowledged; send it again (with its Idempotency-Key a retry cannot duplicate it)',
      1,
    );

  function failInFlight(): void {
    for (const [id, job] of inFlight) {
      inFlight.delete(id);
      job.reject(restarted());
    }
  }

  function start(): Worker {
    const data: WriterThreadData = {
      file: options.file,
      waitingWriters: options.waitingWriters,
      timelineChunk: options.timelineChunk,
      entry: ENTRY,
    };
    const w = new Worker(BOOT, { workerData: data, name: 'vigie-ingest-writer' });
    generation++;
    w.unref();
    loaded = new Promise((resolve) => {
      w.once('exit', () => resolve());
      w.on('message', (message: FromThread) => 'type' in message && resolve());
    });
    w.on('message', (message: FromThread) => {
      if ('type' in message) return;
      const job = inFlight.get(message.id);
      if (!job) return;
      inFlight.delete(message.id);
      if (!inFlight.size) w.unref();
      if ('result' in message) job.resolve(message.result);
      else job.reject(rebuildError(message.error));
    });
    w.on('error', (error) => log.error('ingest writer thread failed', { error }));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (!closing || inFlight.size)
        log.error(
          'ingest writer thread stopped; the batches it held are not acknowledged, the next batch starts a new thread',
          { code, batches: inFlight.size },
        );
      failInFlight();
    });
    return w;
  }

  const stopping = () => new Unavailable('ingest.stopping', 'Vigie is shutting down; retry shortly', 5);

  return {
    async prepare(job) {
      if (closing) throw stopping();
      if (job.kind === 'refusals') return job;
      const w = (worker ??= start());
      const handover: Handover = { id: nextId++, generation, counts: {} };
      const stub: Record<string, unknown> = { ...job };
      for (const field of BULK_FIELDS) {
        const items = (job as Partial<Record<BulkField, readonly unknown[]>>)[field];
        if (!items) continue;
        handover.counts[field] = items.length;
        stub[field] = [];
        const size = field === 'rows' ? HANDOVER_SLICE : HANDOVER_SLICE_OBJECTS;
        for (let i = 0; i < items.length; i += size) {
          if (i > 0) await new Promise((resolve) => setImmediate(resolve));
          if (worker !== w) throw restarted();
          const slice = items.slice(i, i + size);
          const part: ToThread =
            field === 'rows'
              ? { type: 'part', id: handover.id, field, columns: rowsToColumns(slice as ValidAccessEvent[]) }
              : { type: 'part', id: handover.id, field, items: slice };
          w.postMessage(part);
        }
      }
      handovers.set(stub as BatchJob, handover);
      return stub as BatchJob;
    },
    async warm() {
      if (closing) return;
      worker ??= start();
      await loaded;
    },
    execute(job, now) {
      if (closing) return Promise.reject(stopping());
      const handover = handovers.get(job);
      // Slices sent to a thread that has died since are gone with it: never commit the batch without them.
      if (handover && (handover.generation !== generation || !worker)) return Promise.reject(restarted());
      worker ??= start();
      const id = handover?.id ?? nextId++;
      const answer = new Promise<JobResult>((resolve, reject) => inFlight.set(id, { resolve, reject }));
      // Held while a batch is in flight: a process never exits under an unacknowledged batch.
      worker.ref();
      worker.postMessage({ type: 'job', id, job, now, counts: handover?.counts ?? {} } satisfies ToThread);
      return answer;
    },
    async close() {
      closing = true;
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage({ type: 'close' } satisfies ToThread);
      const timer = setTimeout(() => void w.terminate(), CLOSE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
    thread: () => worker,
  };
}
