// One way to open a transaction: `inTransaction(db, async (trx, afterCommit) => …)`.
// Work that must follow the commit — realtime publishes, socket disconnects,
// the event-log signal — is queued with `afterCommit` and runs only once the
// outermost transaction has committed; a rollback drops it. A service that is
// handed a transaction by its caller queues its own work with
// `afterCommit(trx, …)`, so no caller has to remember it.
import type { Db, Executor, Trx } from './db.ts';

export type Work = () => void;
export type AfterCommit = (work: Work) => void;

interface Pending {
  work: Work[];
  report: (error: unknown) => void;
}

const pendingOf = new WeakMap<Executor, Pending>();
const reporters = new WeakMap<Executor, (error: unknown) => void>();

const defaultReport = (error: unknown) => {
  console.error('work after commit failed', error);
};

/** Where failures of after-commit work on this database go (the composition root passes its logger). */
export function reportAfterCommitErrors(db: Db, report: (error: unknown) => void): void {
  reporters.set(db, report);
}

/**
 * Runs `fn` in a transaction and then, if it committed, the work it queued.
 * Called with a transaction opened by `inTransaction`, it joins it: the work
 * waits for the outer commit.
 */
export async function inTransaction<T>(
  db: Executor,
  fn: (trx: Trx, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const outer = pendingOf.get(db);
  if (outer) return fn(db as Trx, (work) => outer.work.push(work));
  if (db.isTransaction)
    throw new Error('inTransaction: a transaction not opened by inTransaction cannot take after-commit work');
  const pending: Pending = { work: [], report: reporters.get(db) ?? defaultReport };
  const result = await db.transaction().execute((trx) => {
    pendingOf.set(trx, pending);
    return fn(trx, (work) => pending.work.push(work));
  });
  // Committed. Each piece runs even if one before it threw: the commit is done, and the
  // caller's answer must not turn into an error because a notification failed.
  for (const work of pending.work) {
    try {
      work();
    } catch (error) {
      pending.report(error);
    }
  }
  return result;
}

/** Queues work on the transaction `trx` (opened by `inTransaction`) for after its commit. */
export function afterCommit(trx: Executor, work: Work): void {
  const pending = pendingOf.get(trx);
  if (!pending) throw new Error('afterCommit: not inside a transaction opened by inTransaction');
  pending.work.push(work);
}
