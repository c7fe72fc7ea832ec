// Server-side sessions: the cookie carries a 256-bit random token, the
// database only its SHA-256. Idle and absolute timeouts; revocation ends the
// session's sockets at once.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Realtime } from '../realtime/realtime.ts';
import type { Db, Executor } from '../store/db.ts';
import { afterCommit } from '../store/transaction.ts';
import type { Role } from './permissions.ts';
import type { SessionRepo, SessionRow } from './sessions.repo.ts';
import { randomToken, sha256Hex } from './tokens.ts';
import type { UserRepo, UserRow } from './users.repo.ts';

/** Why a session's sockets end. */
export type EndReason = 'logout' | 'revoked' | 'expired' | 'disabled' | 'mfa_reset' | 'password_changed';

export interface SessionContext {
  session: Omit<SessionRow, 'tokenHash'>;
  user: Pick<UserRow, 'id' | 'email' | 'name' | 'status' | 'locale'>;
  roles: Role[];
}

// lastSeenAt is written at most this often, not on every request.
const TOUCH_EVERY_MS = 30_000;
/** A session that has passed only the password lives long enough to type a code, no more. */
export const PREAUTH_MS = 5 * 60_000;

export function createSessionService(deps: {
  db: Db;
  sessions: SessionRepo;
  users: UserRepo;
  clock: Clock;
  realtime: Realtime;
  settings: Config['session'];
}) {
  const { db, sessions, users, clock, realtime, settings } = deps;
  const disconnect = (sessionIds: readonly string[], reason: EndReason) => {
    if (sessionIds.length)
      realtime.disconnect(
        sessionIds.map((id) => `session:${id}` as const),
        reason,
      );
  };

  return {
    /** Creates a session and returns the clear token, to be set in the cookie and forgotten. */
    async issue(
      trx: Executor,
      input: { userId: string; stage: SessionRow['stage']; address?: string | null; userAgent?: string | null },
    ): Promise<{ token: string; session: SessionRow }> {
      const now = clock.now();
      const token = randomToken(32);
      const session: SessionRow = {
        id: randomUUID(),
        tokenHash: sha256Hex(token),
        userId: input.userId,
        stage: input.stage,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + (input.stage === 'password' ? Math.min(PREAUTH_MS, settings.absoluteMs) : settings.absoluteMs),
        revokedAt: null,
        address: input.address ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      };
      await sessions.insert(trx, session);
      return { token, session };
    },

    /**
     * The live session behind a cookie token, or undefined (unknown, revoked,
     * idle, expired, user not active). A request is activity and keeps the
     * session from going idle; `{ touch: false }` only looks (a socket's
     * re-check: an open tab is not someone at the screen).
     */
    async resolve(token: string | undefined, options: { touch?: boolean } = {}): Promise<SessionContext | undefined> {
      if (!token || token.length > 200) return undefined;
      const row = await sessions.findByTokenHash(db, sha256Hex(token));
      if (!row || row.revokedAt !== null) return undefined;
      const now = clock.now();
      if (now >= row.expiresAt || now - row.lastSeenAt >= settings.idleMs) return undefined;
      const user = await users.findById(db, row.userId);
      if (!user || user.status === 'disabled') return undefined;
      if (row.stage === 'full' && user.status !== 'active') return undefined;
      const touched = options.touch !== false && now - row.lastSeenAt >= TOUCH_EVERY_MS;
      if (touched) await sessions.touch(db, row.id, now);
      const { tokenHash: _omit, ...session } = row;
      return {
        session: { ...session, lastSeenAt: touched ? now : row.lastSeenAt },
        user: { id: user.id, email: user.email, name: user.name, status: user.status, locale: user.locale },
        roles: await users.rolesOf(db, user.id),
      };
    },

    /** Whether the session is neither revoked nor expired (read in the caller's transaction). */
    async isLive(db: Executor, sessionId: string): Promise<boolean> {
      const row = await sessions.findById(db, sessionId);
      return row !== undefined && row.revokedAt === null && clock.now() < row.expiresAt;
    },

    /** Marks a session revoked; its sockets end once the transaction commits. */
    async revoke(trx: Executor, sessionId: string, reason: EndReason = 'revoked'): Promise<void> {
      await sessions.revoke(trx, sessionId, clock.now());
      afterCommit(trx, () => disconnect([sessionId], reason));
    },

    /** Revokes every live session of the user (but `exceptId`); their sockets end once the transaction commits. */
    async revokeAllOfUser(trx: Executor, userId: string, reason: EndReason, exceptId?: string): Promise<string[]> {
      const ended = await sessions.revokeAllOfUser(trx, userId, clock.now(), exceptId);
      afterCommit(trx, () => disconnect(ended, reason));
      return ended;
    },

    /** Once the transaction commits, the user's sockets reconnect, so that their rooms follow new roles. */
    rejoinAfterCommit(trx: Executor, userId: string): void {
      afterCommit(trx, () => realtime.disconnect([`user:${userId}`], 'roles_changed'));
    },

    async listLive(userId: string): Promise<Omit<SessionRow, 'tokenHash'>[]> {
      const rows = await sessions.liveOfUser(db, userId, clock.now());
      return rows
        .filter((r) => clock.now() - r.lastSeenAt < settings.idleMs)
        .map(({ tokenHash: _omit, ...rest }) => rest);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
