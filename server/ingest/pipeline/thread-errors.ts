// Errors across the writer thread's message port: a structured clone keeps
// an Error's message but not its class, code or status. The thread sends
// these plain fields; the main thread rebuilds the same project error class
// (Conflict, Unavailable…), or better-sqlite3's SqliteError with its code
// (SQLITE_FULL, SQLITE_CONSTRAINT_…), so that callers and the HTTP error
// middleware see exactly what the in-process writer would have thrown.
import SqliteDatabase from 'better-sqlite3';
import * as errors from '../../errors.ts';

export interface SentError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  details?: errors.ErrorDetails;
  retryAfterSeconds?: number;
}

export function sendError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & Partial<SentError>;
  const sent: SentError = { name: e.name, message: e.message, stack: e.stack };
  if (typeof e.code === 'string') sent.code = e.code;
  if (error instanceof errors.AppError && error.details !== undefined) sent.details = structuredClone(error.details);
  if (typeof e.retryAfterSeconds === 'number') sent.retryAfterSeconds = e.retryAfterSeconds;
  return sent;
}

type AppErrorClass = new (code: string, message: string) => errors.AppError;

function appErrorClass(name: string): AppErrorClass | undefined {
  const candidate = Object.hasOwn(errors, name) ? (errors as Record<string, unknown>)[name] : undefined;
  if (typeof candidate === 'function' && candidate.prototype instanceof errors.AppError)
    return candidate as AppErrorClass;
  return undefined;
}

export function rebuildError(sent: SentError): Error {
  let error: Error;
  const AppClass = sent.code !== undefined ? appErrorClass(sent.name) : undefined;
  if (AppClass) {
    // Every project error's constructor starts (code, message); the optional fields are set after.
    error = new AppClass(sent.code!, sent.message);
    if (sent.details !== undefined) Object.defineProperty(error, 'details', { value: sent.details, enumerable: true });
    if (sent.retryAfterSeconds !== undefined)
      Object.defineProperty(error, 'retryAfterSeconds', { value: sent.retryAfterSeconds, enumerable: true });
  } else if (sent.name === 'SqliteError' && sent.code !== undefined) {
    error = new SqliteDatabase.SqliteError(sent.message, sent.code);
  } else {
    error = new Error(sent.message);
    error.name = sent.name;
    if (sent.code !== undefined) Object.assign(error, { code: sent.code });
  }
  if (sent.stack) error.stack = `${sent.stack}\n    at (ingest writer thread)`;
  return error;
}
