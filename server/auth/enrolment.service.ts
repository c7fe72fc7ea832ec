// Enrolment through a one-time link (first-run setup, invitation, MFA reset):
// set a password, get a TOTP secret, confirm it with a code; then the account
// is active, ten recovery codes are shown once, and the user is logged in.
// Until the confirmation, the progress waits on the link's row.
import { randomUUID } from 'node:crypto';
import { actorLabel, type Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { lockInTransaction, type Db, type Dialect, type Trx } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import type { Attempts } from './attempts.ts';
import type { EnrolmentKind } from './auth.tables.ts';
import type { EnrolmentRepo, EnrolmentTokenRow } from './enrolment.repo.ts';
import { userSecretContext, type Factors } from './factors.ts';
import { checkNewPassword } from './password-policy.ts';
import type { PasswordHasher } from './password.ts';
import type { Role } from './permissions.ts';
import type { SecretBox } from './secret-box.ts';
import type { SessionService } from './sessions.service.ts';
import { randomToken, sha256Hex } from './tokens.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import type { UserRepo } from './users.repo.ts';

export const ENROLMENT_VALIDITY_MS: Record<EnrolmentKind, number> = {
  setup: 3_600_000,
  invite: 72 * 3_600_000,
  mfa_reset: 24 * 3_600_000,
};
/** Wrong codes against one secret before it is dropped and a new one must be fetched. */
export const MAX_CONFIRM_FAILURES = 5;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const enrolSecretContext = (id: string) => `totp:enrolment:${id}`;

export interface EnrolmentLink {
  url: string;
  expiresAt: number;
}

export function createEnrolmentService(deps: {
  db: Db;
  dialect: Dialect;
  repo: EnrolmentRepo;
  users: UserRepo;
  factors: Factors;
  passwords: PasswordHasher;
  box: SecretBox;
  sessions: SessionService;
  attempts: Attempts;
  audit: AuditService;
  clock: Clock;
  publicOrigin: string;
}) {
  const { db, dialect, repo, users, factors, passwords, box, sessions, attempts, audit, clock } = deps;
  const invalidLink = () =>
    new NotFound(
      'enrolment.invalid',
      'This enrolment link is invalid, already used or expired: ask an administrator for a new one',
    );

  /** The usable link behind a token; an unusable one counts as a failed attempt of the address. */
  async function usable(
    actor: Actor,
    token: string,
  ): Promise<EnrolmentTokenRow & { email: string; name: string | null }> {
    await attempts.assertAllowed(db, actor);
    const row = TOKEN_SHAPE.test(token) ? await repo.findByTokenHash(db, sha256Hex(token)) : undefined;
    const user = row?.userId ? await users.findById(db, row.userId) : undefined;
    const ok =
      row &&
      row.usedAt === null &&
      row.expiresAt > clock.now() &&
      (row.kind === 'setup' || (user && user.status !== 'disabled'));
    if (!ok) {
      await inTransaction(db, (trx) =>
        attempts.fail(trx, actor, {
          action: 'user.enrol_failed',
          details: { factor: 'link', reason: row ? 'unusable' : 'unknown' },
        }),
      );
      throw invalidLink();
    }
    return { ...row, email: user?.email ?? row.email ?? '', name: user?.name ?? row.name };
  }

  return {
    /** Creates a link; the caller audits the action that asked for it. Earlier unused links of the user end. */
    async issue(trx: Trx, actor: Actor, input: { kind: EnrolmentKind; userId: string | null }): Promise<EnrolmentLink> {
      const now = clock.now();
      if (input.userId) await repo.voidUnusedOfUser(trx, input.userId, now);
      const token = randomToken(32);
      const expiresAt = now + ENROLMENT_VALIDITY_MS[input.kind];
      await repo.insert(trx, {
        id: randomUUID(),
        tokenHash: sha256Hex(token),
        kind: input.kind,
        userId: input.userId,
        email: null,
        name: null,
        passwordHash: null,
        totpSecret: null,
        confirmFailures: 0,
        createdBy: actorLabel(actor),
        createdAt: now,
        expiresAt,
        usedAt: null,
      });
      return { url: `${deps.publicOrigin}/enrol/${token}`, expiresAt };
    },

    /** While there is no user: a first-run setup link (valid one hour), else null. */
    async firstRunLink(actor: Actor): Promise<EnrolmentLink | null> {
      return inTransaction(db, async (trx) => {
        await lockInTransaction(trx, dialect, 'vigie:setup');
        if ((await users.count(trx)) > 0) return null;
        const link = await this.issue(trx, actor, { kind: 'setup', userId: null });
        await audit.record(trx, { actor, action: 'auth.setup_link', details: { expiresAt: link.expiresAt } });
        return link;
      });
    },

    /** What the enrolment screen needs to know about its link. */
    async describe(actor: Actor, token: string) {
      const row = await usable(actor, token);
      return {
        kind: row.kind,
        email: row.email || null,
        name: row.name,
        expiresAt: row.expiresAt,
        passwordSet: row.passwordHash !== null,
        totpStarted: row.totpSecret !== null,
      };
    },

    async setPassword(
      actor: Actor,
      token: string,
      input: { password: string; email?: string; name?: string },
    ): Promise<void> {
      const row = await usable(actor, token);
      const identity =
        row.kind === 'setup'
          ? { email: input.email?.trim().toLowerCase(), name: input.name?.trim() }
          : { email: row.email, name: row.name ?? undefined };
      if (row.kind === 'setup' && (!identity.email || !identity.name)) {
        throw new Invalid('enrolment.identity_required', 'First-run setup needs the administrator’s email and name', {
          fields: ['email', 'name'],
        });
      }
      checkNewPassword(input.password, identity);
      const passwordHash = await passwords.hash(input.password);
      await inTransaction(db, async (trx) => {
        await repo.update(trx, row.id, {
          passwordHash,
          ...(row.kind === 'setup' ? { email: identity.email!, name: identity.name! } : {}),
        });
        await audit.record(trx, {
          actor,
          action: 'enrolment.password_set',
          target: { type: 'enrolment', id: row.id },
          details: { kind: row.kind },
        });
      });
    },

    /** A new secret each call (the previous one, never confirmed, is dropped). */
    async startTotp(actor: Actor, token: string): Promise<{ secret: string; otpauthUri: string }> {
      const row = await usable(actor, token);
      if (!row.passwordHash) throw new Conflict('enrolment.password_first', 'Set the password first');
      const secret = newTotpSecret();
      await inTransaction(db, async (trx) => {
        await repo.update(trx, row.id, {
          totpSecret: box.seal(secret, enrolSecretContext(row.id)),
          confirmFailures: 0,
        });
        await audit.record(trx, { actor, action: 'enrolment.totp_started', target: { type: 'enrolment', id: row.id } });
      });
      return { secret, otpauthUri: otpauthUri(secret, row.email) };
    },

    /**
     * Confirms the secret with a code: the account takes the password and the
     * secret, becomes active, gets ten recovery codes and a full session.
     */
    async confirm(
      actor: Actor,
      token: string,
      code: string,
      meta: { address?: string | null; userAgent?: string | null; previousSessionId?: string },
    ) {
      const link = await usable(actor, token);
      // One code at a time per link (attempts.ts), each reading the failures
      // and the secret the one before left: parallel guesses cannot outrun the limit.
      const outcome = await attempts.serialised({ key: `enrolment:${link.id}` }, async (db) => {
        const fresh = await repo.findByTokenHash(db, link.tokenHash);
        if (!fresh || fresh.usedAt !== null || fresh.expiresAt <= clock.now()) throw invalidLink();
        const row = { ...fresh, email: link.email, name: link.name };
        if (!row.passwordHash || !row.totpSecret)
          throw new Conflict('enrolment.totp_first', 'Fetch the TOTP secret first');
        const secret = box.open(row.totpSecret, enrolSecretContext(row.id));
        const step = await verifyTotp({ secret, code, atMs: clock.now() });
        if (step === null) {
          const failures = row.confirmFailures + 1;
          const dropped = failures >= MAX_CONFIRM_FAILURES;
          await inTransaction(db, async (trx) => {
            await repo.update(trx, row.id, { confirmFailures: failures, ...(dropped ? { totpSecret: null } : {}) });
            await attempts.fail(trx, actor, {
              userId: row.userId ?? undefined,
              action: 'user.enrol_failed',
              details: { factor: 'code', reason: dropped ? 'secret_dropped' : 'wrong_code' },
            });
          });
          return { ok: false as const, failures, dropped };
        }
        const done = await inTransaction(db, async (trx) => {
          if (!(await repo.markUsed(trx, row.id, clock.now()))) throw invalidLink();
          const now = clock.now();
          let userId = row.userId;
          let roles: Role[] = [];
          if (row.kind === 'setup') {
            await lockInTransaction(trx, dialect, 'vigie:setup');
            if ((await users.count(trx)) > 0)
              throw new Conflict('setup.done', 'Vigie already has an administrator: ask them for an invitation');
            userId = randomUUID();
            roles = ['admin'];
            await users.insert(
              trx,
              {
                id: userId,
                email: row.email,
                name: row.name ?? row.email,
                status: 'active',
                passwordHash: null,
                totpSecret: null,
                totpLastStep: null,
                locale: 'fr',
                createdAt: now,
                updatedAt: now,
                lastLoginAt: null,
              },
              roles,
            );
          }
          const user = await users.findById(trx, userId!);
          if (!user || user.status === 'disabled') throw invalidLink();
          await users.update(trx, user.id, {
            passwordHash: row.passwordHash,
            totpSecret: box.seal(secret, userSecretContext(user.id)),
            totpLastStep: step,
            status: 'active',
            updatedAt: now,
            lastLoginAt: now,
          });
          const recoveryCodes = await factors.newRecoveryCodes(trx, user.id);
          const ended = await sessions.revokeAllOfUser(trx, user.id, 'mfa_reset');
          // The browser may hold someone else's session (an administrator trying the link): it ends too.
          if (meta.previousSessionId && !ended.includes(meta.previousSessionId)) {
            await sessions.revoke(trx, meta.previousSessionId, 'mfa_reset');
            ended.push(meta.previousSessionId);
          }
          const issued = await sessions.issue(trx, {
            userId: user.id,
            stage: 'full',
            address: meta.address,
            userAgent: meta.userAgent,
          });
          await attempts.succeed(trx, user.email);
          const subject: Actor = {
            kind: 'anonymous',
            subject: user.id,
            requestId: 'requestId' in actor ? actor.requestId : undefined,
            address: meta.address ?? undefined,
          };
          await audit.record(trx, {
            actor: subject,
            action: 'user.enrol',
            target: { type: 'user', id: user.id },
            details: { kind: row.kind, ...(roles.length ? { roles } : {}) },
          });
          await audit.record(trx, {
            actor: subject,
            action: 'user.login',
            target: { type: 'user', id: user.id },
            details: { method: 'enrolment', sessionId: issued.session.id },
          });
          return { recoveryCodes, token: issued.token, sessionId: issued.session.id, endedSessionIds: ended };
        });
        return { ok: true as const, done };
      });
      if (!outcome.ok) {
        throw new Invalid(
          'enrolment.invalid_code',
          outcome.dropped
            ? 'Too many wrong codes: scan the new QR code and try again'
            : 'This code is not valid: type the code your app shows now',
          {
            field: 'code',
            restart: outcome.dropped,
            attemptsLeft: MAX_CONFIRM_FAILURES - outcome.failures,
          },
        );
      }
      return outcome.done;
    },
  };
}

export type EnrolmentService = ReturnType<typeof createEnrolmentService>;
