import type { Executor } from '../store/db.ts';
import type { SessionsTable } from './auth.tables.ts';

export type SessionRow = SessionsTable;
const COLUMNS = [
  'id',
  'tokenHash',
  'userId',
  'stage',
  'createdAt',
  'lastSeenAt',
  'expiresAt',
  'revokedAt',
  'address',
  'userAgent',
] as const;

export function createSessionRepo() {
  return {
    async insert(db: Executor, row: SessionRow): Promise<void> {
      await db.insertInto('sessions').values(row).execute();
    },
    async findByTokenHash(db: Executor, tokenHash: string): Promise<SessionRow | undefined> {
      return db.selectFrom('sessions').select(COLUMNS).where('tokenHash', '=', tokenHash).executeTakeFirst();
    },
    async findById(db: Executor, id: string): Promise<SessionRow | undefined> {
      return db.selectFrom('sessions').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    },
    async touch(db: Executor, id: string, at: number): Promise<void> {
      await db.updateTable('sessions').set({ lastSeenAt: at }).where('id', '=', id).execute();
    },
    async revoke(db: Executor, id: string, at: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ revokedAt: at })
        .where('id', '=', id)
        .where('revokedAt', 'is', null)
        .execute();
    },
    /** Revokes every live session of a user; returns the ids revoked. */
    async revokeAllOfUser(db: Executor, userId: string, at: number, exceptId?: string): Promise<string[]> {
      let q = db
        .selectFrom('sessions')
        .select('id')
        .where('userId', '=', userId)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', at);
      if (exceptId) q = q.where('id', '!=', exceptId);
      const ids = (await q.execute()).map((r) => r.id);
      if (ids.length) await db.updateTable('sessions').set({ revokedAt: at }).where('id', 'in', ids).execute();
      return ids;
    },
    async liveOfUser(db: Executor, userId: string, now: number): Promise<SessionRow[]> {
      return db
        .selectFrom('sessions')
        .select(COLUMNS)
        .where('userId', '=', userId)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', now)
        .orderBy('lastSeenAt', 'desc')
        .execute();
    },
  };
}

export type SessionRepo = ReturnType<typeof createSessionRepo>;
