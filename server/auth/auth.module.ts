// Accounts and sessions: passwords, TOTP, enrolment links, login, what users
// do to their own account, and the administration of accounts.
import express from 'express';
import type { AuditService } from '../audit/audit.service.ts';
import type { KernelDeps, VigieModule } from '../kernel/module.ts';
import { deriveKey } from '../secrets.ts';
import { createAccountService } from './account.service.ts';
import { createAttempts } from './attempts.ts';
import { authPublicRoutes, authRoutes } from './auth.routes.ts';
import { createEnrolmentRepo, createRecoveryRepo } from './enrolment.repo.ts';
import { createEnrolmentService } from './enrolment.service.ts';
import { createFactors } from './factors.ts';
import { createLoginService } from './login.service.ts';
import { createPasswordHasher } from './password.ts';
import { recoveryCodeHasher } from './recovery-codes.ts';
import { createSecretBox } from './secret-box.ts';
import { createSessionRepo } from './sessions.repo.ts';
import { createSessionService } from './sessions.service.ts';
import { createThrottle, createThrottleRepo } from './throttle.ts';
import { createUserRepo } from './users.repo.ts';
import { usersRoutes } from './users.routes.ts';
import { createUsersService } from './users.service.ts';

export interface AuthModuleDeps extends KernelDeps {
  masterKey: Buffer;
  audit: AuditService;
}

export function createAuthModule(deps: AuthModuleDeps) {
  const { config, store, clock, realtime, audit, masterKey } = deps;
  const db = store.db;
  const users = createUserRepo();
  const sessions = createSessionService({
    db,
    sessions: createSessionRepo(),
    users,
    clock,
    realtime,
    settings: config.session,
  });
  const box = createSecretBox(deriveKey(masterKey, 'totp'));
  const passwords = createPasswordHasher();
  const recoveryRepo = createRecoveryRepo();
  const enrolmentRepo = createEnrolmentRepo();
  const factors = createFactors({
    users,
    recovery: recoveryRepo,
    box,
    hashRecovery: recoveryCodeHasher(deriveKey(masterKey, 'recovery-codes')),
    clock,
  });
  const throttle = createThrottle({
    repo: createThrottleRepo(),
    clock,
    dialect: store.dialect,
    key: deriveKey(masterKey, 'login-throttle'),
    addressMaxFailures: config.login.addressMaxFailures,
  });
  const attempts = createAttempts({ db, dialect: store.dialect, throttle, audit, clock });
  const enrolment = createEnrolmentService({
    db,
    dialect: store.dialect,
    repo: enrolmentRepo,
    users,
    factors,
    passwords,
    box,
    sessions,
    attempts,
    audit,
    clock,
    publicOrigin: config.publicOrigin,
  });
  const login = createLoginService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const account = createAccountService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const userAdmin = createUsersService({
    db,
    users,
    enrolmentRepo,
    enrolment,
    recovery: recoveryRepo,
    sessions,
    throttle,
    audit,
    clock,
  });

  /** Display names of these user ids, for who did what (unknown ids are left out). */
  async function userNames(ids: readonly string[]): Promise<Map<string, string>> {
    const found = await Promise.all([...new Set(ids)].map((id) => users.findById(db, id)));
    return new Map(found.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
  }

  const secured = express.Router();
  secured.use(authRoutes({ account }), usersRoutes({ userAdmin }));
  return {
    service: { users, sessions, passwords, enrolment, login, account, userAdmin, userNames },
    routes: { public: authPublicRoutes({ login, enrolment, sessions, account, config }), secured },
    jobs: [],
  } satisfies VigieModule<unknown>;
}

export type AuthModule = ReturnType<typeof createAuthModule>;
