// Database failures that are not bugs: the database went away (a restart, a
// terminated connection, a network cut) or the disk is full. Mapped here, in
// one place, to the project's errors so that every caller — the HTTP error
// middleware, background jobs, the ingest writer — answers them the same way:
// 503 `database.unavailable` (retry shortly) or 507 `storage.full`.
import { AppError, InsufficientStorage, Unavailable } from '../errors.ts';

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export type StoreFailure = 'unavailable' | 'full';

// PostgreSQL SQLSTATEs: class 08 (connection exception) and these.
const PG_UNAVAILABLE = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);
const PG_DISK_FULL = '53100';

// Errors of node's sockets and of the pg driver when the server cannot be reached or the connection died.
const NODE_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAI_AGAIN',
]);
const PG_DRIVER_UNAVAILABLE =
  /^Connection terminated|^Client has encountered a connection error|^timeout exceeded when trying to connect|^Postgres connection has been discarded|^Client was closed and is not queryable|^Cannot use a pool after calling end/;

/** What kind of store failure this is, or undefined for any other error (a bug, a constraint, bad input). */
export function storeFailure(error: unknown, depth = 0): StoreFailure | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLite (better-sqlite3 sets code to the extended result code name).
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === PG_DISK_FULL) return 'full';
  if (PG_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code) || NODE_UNAVAILABLE.has(code)) return 'unavailable';
  if (typeof e.message === 'string' && PG_DRIVER_UNAVAILABLE.test(e.message)) return 'unavailable';
  // Wrapped errors: a cause, or each address tried by a dual-stack connect (AggregateError).
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const kind = storeFailure(inner, depth + 1);
      if (kind) return kind;
    }
  }
  return e.cause === undefined ? undefined : storeFailure(e.cause, depth + 1);
}

/**
 * The project error for a store failure, or undefined when `error` is not one
 * (project errors are not store failures: they pass through untouched).
 */
export function classifyStoreError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return undefined;
  switch (storeFailure(error)) {
    case 'unavailable':
      return new Unavailable(
        'database.unavailable',
        'The database is unavailable; retry shortly',
        DATABASE_RETRY_AFTER_SECONDS,
      );
    case 'full':
      return new InsufficientStorage(
        'storage.full',
        'No space left for the database: nothing was written; retry once space is freed',
      );
    default:
      return undefined;
  }
}
