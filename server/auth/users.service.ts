// Administration of accounts: list, invite (an enrolment link), roles,
// disable/enable, reset MFA, end sessions, unlock. Users are never deleted.
// Whatever ends sessions returns their ids; their sockets end once the change
// commits (the session service queues that).
import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import type { Db, Trx } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import type { UserView } from '../wire/auth.ts';
import type { EnrolmentRepo } from './enrolment.repo.ts';
import type { RecoveryRepo } from './enrolment.repo.ts';
import type { EnrolmentLink, EnrolmentService } from './enrolment.service.ts';
import type { Role } from './permissions.ts';
import type { SessionService } from './sessions.service.ts';
import type { Throttle } from './throttle.ts';
import type { UserRepo, UserRow } from './users.repo.ts';

export type { UserView } from '../wire/auth.ts';

export function createUsersService(deps: {
  db: Db;
  users: UserRepo;
  enrolmentRepo: EnrolmentRepo;
  enrolment: EnrolmentService;
  recovery: RecoveryRepo;
  sessions: SessionService;
  throttle: Throttle;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, users, enrolmentRepo, enrolment, recovery, sessions, throttle, audit, clock } = deps;

  async function load(trx: Trx, id: string): Promise<UserRow> {
    const user = await users.findById(trx, id);
    if (!user) throw new NotFound('user.not_found', 'No such user');
    return user;
  }
  function notSelf(actor: Actor, id: string, what: string) {
    if (actor.kind === 'user' && actor.id === id)
      throw new Conflict('user.self', `You cannot ${what} your own account: ask another administrator`);
  }
  /** Refuses to leave Vigie without an active administrator. */
  async function keepAnAdmin(trx: Trx, id: string) {
    const admins = await users.activeAdminIds(trx);
    if (admins.length === 1 && admins[0] === id)
      throw new Conflict(
        'user.last_admin',
        'This is the last active administrator: make someone else administrator first',
      );
  }
  const target = (id: string) => ({ type: 'user', id });

  const service = {
    async list(): Promise<UserView[]> {
      const rows = await users.list(db);
      const now = clock.now();
      const links = await enrolmentRepo.pendingExpiry(db, now);
      const locks = await throttle.locksOf(
        db,
        rows.map((u) => u.email),
      );
      return rows.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        status: u.status,
        roles: u.roles,
        mfaEnrolled: u.totpSecret !== null,
        createdAt: u.createdAt,
        lastLoginAt: u.lastLoginAt,
        lockedUntil: locks.get(u.email) ?? null,
        linkExpiresAt: links.get(u.id) ?? null,
      }));
    },

    async get(id: string): Promise<UserView> {
      const found = (await service.list()).find((u) => u.id === id);
      if (!found) throw new NotFound('user.not_found', 'No such user');
      return found;
    },

    /** Creates an invited account and its enrolment link. */
    async invite(
      actor: Actor,
      input: { email: string; name: string; roles: Role[]; locale?: 'fr' | 'en' },
    ): Promise<{ id: string; link: EnrolmentLink }> {
      const email = input.email.trim().toLowerCase();
      const roles = [...new Set(input.roles)].sort();
      return inTransaction(db, async (trx) => {
        if (await users.findByEmail(trx, email))
          throw new Conflict('user.exists', 'A user with this email already exists');
        const now = clock.now();
        const id = randomUUID();
        await users.insert(
          trx,
          {
            id,
            email,
            name: input.name.trim(),
            status: 'invited',
            passwordHash: null,
            totpSecret: null,
            totpLastStep: null,
            locale: input.locale ?? 'fr',
            createdAt: now,
            updatedAt: now,
            lastLoginAt: null,
          },
          roles,
        );
        const link = await enrolment.issue(trx, actor, { kind: 'invite', userId: id });
        await audit.record(trx, {
          actor,
          action: 'user.invite',
          target: target(id),
          details: { roles, linkExpiresAt: link.expiresAt },
        });
        return { id, link };
      });
    },

    /** A new invitation link for an account that has not enrolled yet (the earlier link ends). */
    async renewInvite(actor: Actor, id: string): Promise<EnrolmentLink> {
      return inTransaction(db, async (trx) => {
        const user = await load(trx, id);
        if (user.status !== 'invited')
          throw new Conflict('user.not_invited', 'This account has already enrolled: reset its MFA instead');
        const link = await enrolment.issue(trx, actor, { kind: 'invite', userId: id });
        await audit.record(trx, {
          actor,
          action: 'user.invite_renew',
          target: target(id),
          details: { linkExpiresAt: link.expiresAt },
        });
        return link;
      });
    },

    /**
     * Roles apply at the next request; the user's sockets are told to reconnect so their rooms follow.
     * Nobody changes their own: an administrator who could make themselves analyst could read every patient.
     */
    async setRoles(actor: Actor, id: string, roles: Role[]): Promise<{ changed: boolean }> {
      if (actor.kind === 'user' && actor.id === id)
        throw new Forbidden('user.own_roles', 'You cannot change your own roles: ask another administrator');
      const next = [...new Set(roles)].sort();
      return inTransaction(db, async (trx) => {
        await load(trx, id);
        const before = await users.rolesOf(trx, id);
        if (before.join() === next.join()) return { changed: false };
        if (before.includes('admin') && !next.includes('admin')) await keepAnAdmin(trx, id);
        await users.setRoles(trx, id, next);
        await users.update(trx, id, { updatedAt: clock.now() });
        await audit.record(trx, {
          actor,
          action: 'user.roles_change',
          target: target(id),
          details: { before, after: next },
        });
        sessions.rejoinAfterCommit(trx, id);
        return { changed: true };
      });
    },

    async disable(actor: Actor, id: string): Promise<{ endedSessionIds: string[] }> {
      notSelf(actor, id, 'disable');
      return inTransaction(db, async (trx) => {
        const user = await load(trx, id);
        if (user.status === 'disabled') return { endedSessionIds: [] };
        await keepAnAdmin(trx, id);
        const now = clock.now();
        await users.update(trx, id, { status: 'disabled', updatedAt: now });
        await enrolmentRepo.voidUnusedOfUser(trx, id, now);
        const ended = await sessions.revokeAllOfUser(trx, id, 'disabled');
        await audit.record(trx, {
          actor,
          action: 'user.disable',
          target: target(id),
          details: { sessionsEnded: ended.length },
        });
        return { endedSessionIds: ended };
      });
    },

    async enable(actor: Actor, id: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        const user = await load(trx, id);
        if (user.status !== 'disabled') return;
        const status = user.passwordHash && user.totpSecret ? 'active' : 'invited';
        await users.update(trx, id, { status, updatedAt: clock.now() });
        await audit.record(trx, { actor, action: 'user.enable', target: target(id), details: { status } });
      });
    },

    /** Drops the TOTP secret and recovery codes, ends every session, and gives a link to enrol again. */
    async resetMfa(actor: Actor, id: string): Promise<{ link: EnrolmentLink; endedSessionIds: string[] }> {
      notSelf(actor, id, 'reset the MFA of');
      return inTransaction(db, async (trx) => {
        const user = await load(trx, id);
        if (user.status === 'disabled')
          throw new Conflict('user.disabled', 'This account is disabled: enable it first');
        await users.update(trx, id, { totpSecret: null, totpLastStep: null, updatedAt: clock.now() });
        await recovery.removeAll(trx, id);
        const ended = await sessions.revokeAllOfUser(trx, id, 'mfa_reset');
        const link = await enrolment.issue(trx, actor, {
          kind: user.status === 'invited' ? 'invite' : 'mfa_reset',
          userId: id,
        });
        await audit.record(trx, {
          actor,
          action: 'user.mfa_reset',
          target: target(id),
          details: { sessionsEnded: ended.length, linkExpiresAt: link.expiresAt },
        });
        return { link, endedSessionIds: ended };
      });
    },

    async revokeSessions(actor: Actor, id: string): Promise<{ endedSessionIds: string[] }> {
      return inTransaction(db, async (trx) => {
        await load(trx, id);
        const ended = await sessions.revokeAllOfUser(trx, id, 'revoked');
        await audit.record(trx, {
          actor,
          action: 'user.sessions_revoke',
          target: target(id),
          details: { sessionsEnded: ended.length },
        });
        return { endedSessionIds: ended };
      });
    },

    /** Lifts a lock after failed attempts. */
    async unlock(actor: Actor, id: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        const user = await load(trx, id);
        await throttle.recordSuccess(trx, throttle.accountSubject(user.email));
        await audit.record(trx, { actor, action: 'user.unlock', target: target(id) });
      });
    },
  };
  return service;
}

export type UsersService = ReturnType<typeof createUsersService>;
