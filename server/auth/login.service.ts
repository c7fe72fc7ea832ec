// Login in two steps: email and password give a pre-authentication session;
// a TOTP or recovery code turns it into a full session with a new token.
// Answers never tell whether an email exists, and take the same time either
// way (an unknown email is checked against a dummy hash).
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Unauthorized } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import { lockedError, type Attempts } from './attempts.ts';
import { codeKind, type Factors } from './factors.ts';
import type { PasswordHasher } from './password.ts';
import type { SessionContext, SessionService } from './sessions.service.ts';
import type { UserRepo } from './users.repo.ts';

export interface LoginMeta {
  address?: string | null;
  userAgent?: string | null;
  /** The session the browser already had, if any: it ends, the new one replaces it. */
  previousSessionId?: string;
}

const invalidCredentials = () => new Unauthorized('auth.invalid_credentials', 'Incorrect email or password');

export function createLoginService(deps: {
  db: Db;
  users: UserRepo;
  passwords: PasswordHasher;
  factors: Factors;
  sessions: SessionService;
  attempts: Attempts;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, users, passwords, factors, sessions, attempts, audit, clock } = deps;

  return {
    /** First factor. Returns the pre-authentication session's clear token. */
    async password(
      actor: Actor,
      input: { email: string; password: string },
      meta: LoginMeta,
    ): Promise<{ token: string; endedSessionIds: string[] }> {
      const email = input.email.trim().toLowerCase();
      const outcome = await attempts.serialised({ email }, async (db) => {
        await attempts.assertAllowed(db, actor, email);
        const user = await users.findByEmail(db, email);
        const enrolled =
          user !== undefined && user.status === 'active' && user.passwordHash !== null && user.totpSecret !== null;
        const ok = await passwords.verify(enrolled ? user.passwordHash : null, input.password);
        const subject: Actor = { ...actor, kind: 'anonymous', subject: user?.id } as Actor;
        if (!ok || !enrolled) {
          const reason = !user
            ? 'unknown_account'
            : user.status !== 'active'
              ? `account_${user.status}`
              : !enrolled
                ? 'not_enrolled'
                : 'wrong_password';
          const failed = await inTransaction(db, (trx) =>
            attempts.fail(trx, subject, {
              email,
              userId: user?.id,
              action: 'user.login_failed',
              details: { factor: 'password', reason },
            }),
          );
          return { ok: false as const, ...failed };
        }
        const rehash = passwords.needsRehash(user.passwordHash!) ? await passwords.hash(input.password) : null;
        return inTransaction(db, async (trx) => {
          const ended: string[] = [];
          if (meta.previousSessionId) {
            await sessions.revoke(trx, meta.previousSessionId, 'logout');
            ended.push(meta.previousSessionId);
          }
          if (rehash) await users.update(trx, user.id, { passwordHash: rehash, updatedAt: clock.now() });
          const { token, session } = await sessions.issue(trx, {
            userId: user.id,
            stage: 'password',
            address: meta.address,
            userAgent: meta.userAgent,
          });
          await audit.record(trx, {
            actor: subject,
            action: 'user.login_password',
            target: { type: 'user', id: user.id },
            details: { sessionId: session.id, rehashed: rehash !== null },
          });
          return { ok: true as const, token, endedSessionIds: ended };
        });
      });
      if (!outcome.ok) throw outcome.accountLocked ? lockedError(outcome.retryAfterSeconds) : invalidCredentials();
      return { token: outcome.token, endedSessionIds: outcome.endedSessionIds };
    },

    /** Second factor, on a pre-authentication session. Returns the full session's clear token. */
    async secondFactor(
      actor: Actor,
      context: SessionContext,
      code: string,
      meta: LoginMeta,
    ): Promise<{ token: string; userId: string }> {
      const notStarted = () => new Unauthorized('auth.mfa_not_started', 'Log in with your email and password first');
      if (context.session.stage !== 'password') throw notStarted();
      const found = await users.findById(db, context.user.id);
      if (!found) throw notStarted();
      const subject: Actor = { ...actor, kind: 'anonymous', subject: found.id } as Actor;
      const outcome = await attempts.serialised({ email: found.email }, async (db) => {
        await attempts.assertAllowed(db, actor, found.email);
        // Read again in turn: a guess queued behind others sees the session
        // they ended and the TOTP step they used.
        const user = await users.findById(db, found.id);
        if (!user || !(await sessions.isLive(db, context.session.id))) throw notStarted();
        return inTransaction(db, async (trx) => {
          const method = await factors.either(trx, user, code);
          if (!method) {
            const kind = codeKind(code);
            const failed = await attempts.fail(trx, subject, {
              email: user.email,
              userId: user.id,
              action: 'user.login_failed',
              details: { factor: kind ?? 'totp', reason: kind ? 'wrong_or_used_code' : 'malformed_code' },
            });
            // A locked account's half-open login ends: after the delay it starts again from the password.
            if (failed.accountLocked) await sessions.revoke(trx, context.session.id);
            return { ok: false as const, ...failed };
          }
          const now = clock.now();
          await sessions.revoke(trx, context.session.id);
          const { token, session } = await sessions.issue(trx, {
            userId: user.id,
            stage: 'full',
            address: meta.address,
            userAgent: meta.userAgent,
          });
          await users.update(trx, user.id, { lastLoginAt: now });
          await attempts.succeed(trx, user.email);
          const left = method === 'recovery' ? await factors.recoveryCodesLeft(trx, user.id) : undefined;
          await audit.record(trx, {
            actor: subject,
            action: 'user.login',
            target: { type: 'user', id: user.id },
            details: { method, sessionId: session.id, ...(left !== undefined ? { recoveryCodesLeft: left } : {}) },
          });
          return { ok: true as const, token };
        });
      });
      if (!outcome.ok) {
        if (outcome.accountLocked) throw lockedError(outcome.retryAfterSeconds);
        throw new Unauthorized('auth.invalid_code', 'This code is not valid');
      }
      return { token: outcome.token, userId: found.id };
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
