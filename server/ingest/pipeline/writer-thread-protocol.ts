// What crosses between the main thread (writer-thread.ts) and the writer
// thread (writer-thread-worker.ts): the thread's start data, the messages, and
// the column form of access-event rows. Both sides import it; neither imports the other.
import type { ValidAccessEvent } from './access-event-validation.ts';
import type { BatchJob, JobResult } from './batch.ts';
import type { SentError } from './thread-errors.ts';

export interface WriterThreadData {
  file: string;
  /** The main connection's count of statements waiting for the write lock (db.ts). */
  waitingWriters: Int32Array;
  timelineChunk?: number;
  entry: string;
}

/** Rows (or alerts, or system events) per message. */
export const HANDOVER_SLICE = 1_000;
/**
 * Alert inputs (and system events) per message: each is a larger object than a row
 * (texts, details, the tool's payload), cloned field by field — 1,000 of them hold the loop for several ms.
 */
export const HANDOVER_SLICE_OBJECTS = 250;
/** A job's arrays that are sent ahead in slices. */
export const BULK_FIELDS = ['rows', 'inputs', 'alerts', 'systemEvents'] as const;
export type BulkField = (typeof BULK_FIELDS)[number];

/**
 * Access-event rows cross as one array per column: a clone of objects writes
 * every key again for each row, and reading them back costs the thread more
 * than rebuilding the objects from columns (0.5 against 1.9 ms per 1,000).
 */
const ROW_COLUMNS = [
  'occurredAt',
  'occurredAtText',
  'userId',
  'action',
  'outcome',
  'patientId',
  'application',
  'workstation',
  'address',
  'department',
  'context',
] as const;
// Every column of a row, checked by the compiler: a new one cannot be left behind.
const everyColumn: Record<keyof ValidAccessEvent, true> = Object.fromEntries(
  ROW_COLUMNS.map((c) => [c, true]),
) as Record<(typeof ROW_COLUMNS)[number], true>;
void everyColumn;

export function rowsToColumns(rows: readonly ValidAccessEvent[]): unknown[][] {
  return ROW_COLUMNS.map((column) => rows.map((row) => row[column]));
}

export function rowsFromColumns(columns: readonly unknown[][]): ValidAccessEvent[] {
  const n = columns[0]?.length ?? 0;
  const rows = new Array<ValidAccessEvent>(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < ROW_COLUMNS.length; c++) row[ROW_COLUMNS[c]!] = columns[c]![i];
    rows[i] = row as unknown as ValidAccessEvent;
  }
  return rows;
}

export type ToThread =
  /** A slice of a job's array, sent ahead of the job. */
  | { type: 'part'; id: number; field: BulkField; items: unknown[] }
  /** A slice of a job's access-event rows, one array per column (writer-thread.ts, rowsToColumns). */
  | { type: 'part'; id: number; field: 'rows'; columns: unknown[][] }
  /** The job, its arrays emptied when they were sent ahead (`counts` says how many to expect). */
  | { type: 'job'; id: number; job: BatchJob; now: number; counts: Partial<Record<BulkField, number>> }
  | { type: 'close' };
export type FromThread = { type: 'ready' } | { id: number; result: JobResult } | { id: number; error: SentError };
