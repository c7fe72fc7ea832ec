// Failed-attempt limits, persisted so that every instance counts the same:
// per account (keyed by a hash of the email, whether or not it exists, so a
// lock never tells which emails are real) and per address. Reaching the limit
// locks the subject; each new lock doubles the delay, up to a ceiling.
import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { lockInTransaction, type Dialect, type Executor, type Trx } from '../store/db.ts';
import type { LoginThrottleTable } from './auth.tables.ts';

export interface ThrottlePolicy {
  maxFailures: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
  firstLockMs: number;
  maxLockMs: number;
  /** After this long without a lock, the delay starts again from the first. */
  forgetLocksAfterMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = {
  maxFailures: 5,
  windowMs: 24 * 3_600_000,
  firstLockMs: 5 * 60_000,
  maxLockMs: 4 * 3_600_000,
  forgetLocksAfterMs: 24 * 3_600_000,
};

export function addressPolicy(maxFailures: number): ThrottlePolicy {
  return {
    maxFailures,
    windowMs: 15 * 60_000,
    firstLockMs: 15 * 60_000,
    maxLockMs: 4 * 3_600_000,
    forgetLocksAfterMs: 24 * 3_600_000,
  };
}

type Row = LoginThrottleTable;
const COLUMNS = [
  'subject',
  'failures',
  'firstFailureAt',
  'lockedUntil',
  'lockouts',
  'lastLockAt',
  'updatedAt',
] as const;

export function createThrottleRepo() {
  return {
    async find(db: Executor, subject: string): Promise<Row | undefined> {
      return db.selectFrom('login_throttle').select(COLUMNS).where('subject', '=', subject).executeTakeFirst();
    },
    async save(db: Executor, row: Row, exists: boolean): Promise<void> {
      if (exists) await db.updateTable('login_throttle').set(row).where('subject', '=', row.subject).execute();
      else await db.insertInto('login_throttle').values(row).execute();
    },
    async findMany(db: Executor, subjects: readonly string[]): Promise<Row[]> {
      if (!subjects.length) return [];
      return db.selectFrom('login_throttle').select(COLUMNS).where('subject', 'in', subjects).execute();
    },
    async remove(db: Executor, subject: string): Promise<void> {
      await db.deleteFrom('login_throttle').where('subject', '=', subject).execute();
    },
  };
}

export type FailureOutcome = { locked: false; failures: number } | { locked: true; until: number; lockouts: number };

export function createThrottle(deps: {
  repo: ReturnType<typeof createThrottleRepo>;
  clock: Clock;
  dialect: Dialect;
  key: Buffer;
  addressMaxFailures: number;
}) {
  const { repo, clock, dialect, key } = deps;
  const policies = { account: ACCOUNT_POLICY, address: addressPolicy(deps.addressMaxFailures) };
  type Scope = keyof typeof policies;

  return {
    /** The subject for an email: a keyed hash, so the table holds no typed emails (nor passwords typed as emails). */
    accountSubject(email: string): string {
      return `account:${createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex')}`;
    },
    addressSubject(address: string | undefined): string {
      return `address:${address ?? 'unknown'}`;
    },

    /** Seconds until the subject may try again, or 0. */
    async retryAfterSeconds(db: Executor, subject: string): Promise<number> {
      const row = await repo.find(db, subject);
      const now = clock.now();
      return row?.lockedUntil && row.lockedUntil > now ? Math.ceil((row.lockedUntil - now) / 1000) : 0;
    },

    /** For each email, when its account's lock ends (only the locked ones). */
    async locksOf(db: Executor, emails: readonly string[]): Promise<Map<string, number>> {
      const subjects = new Map(emails.map((e) => [this.accountSubject(e), e]));
      const now = clock.now();
      const out = new Map<string, number>();
      for (const row of await repo.findMany(db, [...subjects.keys()])) {
        if (row.lockedUntil && row.lockedUntil > now) out.set(subjects.get(row.subject)!, row.lockedUntil);
      }
      return out;
    },

    async recordFailure(trx: Trx, scope: Scope, subject: string): Promise<FailureOutcome> {
      const policy = policies[scope];
      await lockInTransaction(trx, dialect, `vigie:throttle:${subject}`);
      const now = clock.now();
      const found = await repo.find(trx, subject);
      const row: Row = found
        ? { ...found }
        : {
            subject,
            failures: 0,
            firstFailureAt: null,
            lockedUntil: null,
            lockouts: 0,
            lastLockAt: null,
            updatedAt: now,
          };
      if (row.lockedUntil !== null && row.lockedUntil <= now) row.lockedUntil = null;
      if (row.lastLockAt !== null && now - row.lastLockAt > policy.forgetLocksAfterMs) row.lockouts = 0;
      if (row.firstFailureAt !== null && now - row.firstFailureAt > policy.windowMs) {
        row.failures = 0;
        row.firstFailureAt = null;
      }
      row.failures += 1;
      row.firstFailureAt ??= now;
      row.updatedAt = now;
      let outcome: FailureOutcome = { locked: false, failures: row.failures };
      if (row.failures >= policy.maxFailures) {
        row.lockouts += 1;
        const delay = Math.min(policy.firstLockMs * 2 ** (row.lockouts - 1), policy.maxLockMs);
        row.lockedUntil = Math.max(row.lockedUntil ?? 0, now + delay);
        row.lastLockAt = now;
        row.failures = 0;
        row.firstFailureAt = null;
        outcome = { locked: true, until: row.lockedUntil, lockouts: row.lockouts };
      }
      await repo.save(trx, row, found !== undefined);
      return outcome;
    },

    /** A full success forgets the subject's failures and locks. */
    async recordSuccess(trx: Trx, subject: string): Promise<void> {
      await repo.remove(trx, subject);
    },
  };
}

export type Throttle = ReturnType<typeof createThrottle>;
