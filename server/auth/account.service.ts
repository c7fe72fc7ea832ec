// What users do to their own account once logged in: log out, see and end
// their sessions, change the password (asks the current one and a TOTP code)
// and renew the recovery codes.
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Invalid, NotFound, Unauthorized } from '../errors.ts';
import type { Db, Trx } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import { lockedError, type Attempts } from './attempts.ts';
import type { Factors } from './factors.ts';
import { checkNewPassword } from './password-policy.ts';
import type { PasswordHasher } from './password.ts';
import type { SessionService } from './sessions.service.ts';
import type { UserRepo, UserRow } from './users.repo.ts';

type UserActor = Extract<Actor, { kind: 'user' }>;

export function createAccountService(deps: {
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

  /**
   * Runs `then` in a transaction when the password and the TOTP code are right;
   * otherwise counts the failure (it may lock the account) and refuses.
   */
  async function reauthenticated<T>(
    actor: UserActor,
    proof: { password: string; code: string },
    then: (trx: Trx, user: UserRow) => Promise<T>,
  ): Promise<T> {
    const found = await users.findById(db, actor.id);
    if (!found) throw new Unauthorized('auth.required', 'Authentication required');
    // One check at a time per account (attempts.ts): parallel guesses wait for the lock.
    const outcome = await attempts.serialised({ email: found.email }, async (db) => {
      await attempts.assertAllowed(db, actor, found.email);
      const user = await users.findById(db, actor.id);
      if (!user) throw new Unauthorized('auth.required', 'Authentication required');
      const passwordOk = await passwords.verify(user.passwordHash, proof.password);
      return inTransaction(db, async (trx) => {
        const codeOk = passwordOk && (await factors.totp(trx, user, proof.code));
        if (!passwordOk || !codeOk) {
          const failed = await attempts.fail(trx, actor, {
            email: user.email,
            userId: user.id,
            action: 'user.reauth_failed',
            details: { factor: passwordOk ? 'totp' : 'password', reason: 'wrong' },
          });
          return { ok: false as const, ...failed };
        }
        return { ok: true as const, value: await then(trx, user) };
      });
    });
    if (!outcome.ok) {
      if (outcome.accountLocked) throw lockedError(outcome.retryAfterSeconds);
      throw new Invalid('auth.reauth_failed', 'The current password or the code is not correct', {
        fields: ['currentPassword', 'code'],
      });
    }
    return outcome.value;
  }

  return {
    /** Ends the session (any stage); its sockets end once it commits. */
    async logout(actor: Actor, sessionId: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await sessions.revoke(trx, sessionId, 'logout');
        await audit.record(trx, { actor, action: 'user.logout', target: { type: 'session', id: sessionId } });
      });
    },

    /** The user's live sessions, the one making the request marked `current`. */
    async sessionsOf(actor: UserActor) {
      const items = await sessions.listLive(actor.id);
      return items.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        address: s.address,
        userAgent: s.userAgent,
        current: s.id === actor.sessionId,
      }));
    },

    /** Ends one of the user's own live sessions. */
    async endSession(actor: UserActor, id: string): Promise<void> {
      const live = await sessions.listLive(actor.id);
      if (!live.some((s) => s.id === id)) throw new NotFound('session.not_found', 'No such live session');
      await inTransaction(db, async (trx) => {
        await sessions.revoke(trx, id, 'revoked');
        await audit.record(trx, { actor, action: 'session.revoke', target: { type: 'session', id } });
      });
    },

    /** Changes the password; the user's other sessions end. Returns their ids (their sockets end after the commit). */
    async changePassword(
      actor: UserActor,
      input: { currentPassword: string; newPassword: string; code: string },
    ): Promise<{ endedSessionIds: string[] }> {
      const me = await users.findById(db, actor.id);
      checkNewPassword(input.newPassword, { email: me?.email, name: me?.name });
      const newHash = await passwords.hash(input.newPassword);
      return reauthenticated(actor, { password: input.currentPassword, code: input.code }, async (trx, user) => {
        await users.update(trx, user.id, { passwordHash: newHash, updatedAt: clock.now() });
        const ended = await sessions.revokeAllOfUser(trx, user.id, 'password_changed', actor.sessionId);
        await audit.record(trx, {
          actor,
          action: 'user.password_change',
          target: { type: 'user', id: user.id },
          details: { sessionsEnded: ended.length },
        });
        return { endedSessionIds: ended };
      });
    },

    /** Ten new recovery codes, shown once; the old ones stop working. */
    async renewRecoveryCodes(
      actor: UserActor,
      input: { password: string; code: string },
    ): Promise<{ recoveryCodes: string[] }> {
      return reauthenticated(actor, input, async (trx, user) => {
        const recoveryCodes = await factors.newRecoveryCodes(trx, user.id);
        await audit.record(trx, { actor, action: 'user.recovery_codes_renew', target: { type: 'user', id: user.id } });
        return { recoveryCodes };
      });
    },

    /**
     * A fresh TOTP code at the moment of a sensitive action (approving a
     * notification): each step once, failures counted towards the account's
     * lock, both outcomes audited. Throws Invalid `auth.step_up_failed` or 429.
     */
    async stepUp(actor: UserActor, code: string, purpose: string): Promise<void> {
      const found = await users.findById(db, actor.id);
      if (!found) throw new Unauthorized('auth.required', 'Authentication required');
      const outcome = await attempts.serialised({ email: found.email }, async (db) => {
        await attempts.assertAllowed(db, actor, found.email);
        const user = await users.findById(db, actor.id);
        if (!user) throw new Unauthorized('auth.required', 'Authentication required');
        return inTransaction(db, async (trx) => {
          if (await factors.totp(trx, user, code)) {
            await audit.record(trx, {
              actor,
              action: 'user.step_up',
              target: { type: 'user', id: user.id },
              details: { purpose },
            });
            return { ok: true as const };
          }
          const failed = await attempts.fail(trx, actor, {
            email: user.email,
            userId: user.id,
            action: 'user.reauth_failed',
            details: { factor: 'totp', reason: `step_up:${purpose}` },
          });
          return { ok: false as const, ...failed };
        });
      });
      if (!outcome.ok) {
        if (outcome.accountLocked) throw lockedError(outcome.retryAfterSeconds);
        throw new Invalid('auth.step_up_failed', 'This code is not valid: type the code your app shows now', {
          field: 'code',
        });
      }
    },

    async recoveryCodesLeft(actor: UserActor): Promise<number> {
      return factors.recoveryCodesLeft(db, actor.id);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
