import type { Executor } from '../store/db.ts';
import type { EnrolmentTokensTable, RecoveryCodesTable } from './auth.tables.ts';

export type EnrolmentTokenRow = EnrolmentTokensTable;
const TOKEN_COLUMNS = [
  'id',
  'tokenHash',
  'kind',
  'userId',
  'email',
  'name',
  'passwordHash',
  'totpSecret',
  'confirmFailures',
  'createdBy',
  'createdAt',
  'expiresAt',
  'usedAt',
] as const;

export function createEnrolmentRepo() {
  return {
    async insert(db: Executor, row: EnrolmentTokenRow): Promise<void> {
      await db.insertInto('enrolment_tokens').values(row).execute();
    },
    async findByTokenHash(db: Executor, tokenHash: string): Promise<EnrolmentTokenRow | undefined> {
      return db
        .selectFrom('enrolment_tokens')
        .select(TOKEN_COLUMNS)
        .where('tokenHash', '=', tokenHash)
        .executeTakeFirst();
    },
    async update(
      db: Executor,
      id: string,
      patch: Partial<Pick<EnrolmentTokenRow, 'email' | 'name' | 'passwordHash' | 'totpSecret' | 'confirmFailures'>>,
    ): Promise<void> {
      await db.updateTable('enrolment_tokens').set(patch).where('id', '=', id).execute();
    },
    /** Marks the link used (and forgets its pending secrets); false when it was already used. */
    async markUsed(db: Executor, id: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('enrolment_tokens')
        .set({ usedAt: at, passwordHash: null, totpSecret: null })
        .where('id', '=', id)
        .where('usedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Ends the user's links not yet used (a new link replaces them). */
    async voidUnusedOfUser(db: Executor, userId: string, at: number): Promise<void> {
      await db
        .updateTable('enrolment_tokens')
        .set({ expiresAt: at, passwordHash: null, totpSecret: null })
        .where('userId', '=', userId)
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', at)
        .execute();
    },
    /** The latest link of each of these users that is still usable. */
    async pendingExpiry(db: Executor, at: number): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('enrolment_tokens')
        .select(['userId', 'expiresAt'])
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', at)
        .where('userId', 'is not', null)
        .execute();
      const out = new Map<string, number>();
      for (const r of rows) if (r.userId && (out.get(r.userId) ?? 0) < r.expiresAt) out.set(r.userId, r.expiresAt);
      return out;
    },
  };
}

export type EnrolmentRepo = ReturnType<typeof createEnrolmentRepo>;

export function createRecoveryRepo() {
  return {
    async replaceAll(db: Executor, userId: string, hashes: readonly string[], at: number): Promise<void> {
      await db.deleteFrom('recovery_codes').where('userId', '=', userId).execute();
      if (hashes.length)
        await db
          .insertInto('recovery_codes')
          .values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: at, usedAt: null })))
          .execute();
    },
    /** Uses the code once: false when it does not exist or was used already. */
    async use(db: Executor, userId: string, codeHash: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('recovery_codes')
        .set({ usedAt: at })
        .where('userId', '=', userId)
        .where('codeHash', '=', codeHash)
        .where('usedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async countUnused(db: Executor, userId: string): Promise<number> {
      const row = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('userId', '=', userId)
        .where('usedAt', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async removeAll(db: Executor, userId: string): Promise<void> {
      await db.deleteFrom('recovery_codes').where('userId', '=', userId).execute();
    },
  };
}

export type RecoveryRepo = ReturnType<typeof createRecoveryRepo>;
export type { RecoveryCodesTable };
