// The composition root: builds every service with the narrow dependencies it
// needs. No singletons: tests build their own, with a fake clock.
import { createAlertsRepo } from './alerts/alerts.repo.ts';
import { createAlertsService } from './alerts/alerts.service.ts';
import { createAuditRepo } from './audit/audit.repo.ts';
import { createAuditLogService } from './audit/audit.log.ts';
import { createAuditSealer } from './audit/audit.sealer.ts';
import { createSealFile } from './audit/audit.seals.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createAuditVerifier } from './audit/audit.verifier.ts';
import { createAccountService } from './auth/account.service.ts';
import { createAttempts } from './auth/attempts.ts';
import { createEnrolmentRepo, createRecoveryRepo } from './auth/enrolment.repo.ts';
import { createEnrolmentService } from './auth/enrolment.service.ts';
import { createFactors } from './auth/factors.ts';
import { createLoginService } from './auth/login.service.ts';
import { createPasswordHasher } from './auth/password.ts';
import { recoveryCodeHasher } from './auth/recovery-codes.ts';
import { createSecretBox } from './auth/secret-box.ts';
import { createSessionRepo } from './auth/session.repo.ts';
import { createSessionService } from './auth/session.service.ts';
import { createThrottle, createThrottleRepo } from './auth/throttle.ts';
import { createUserRepo } from './auth/user.repo.ts';
import { createUsersService } from './auth/users.service.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Realtime } from './realtime/realtime.ts';
import { createAccessEventsRepo } from './ingest/access-events.repo.ts';
import { createEventLogSignal } from './ingest/event-log.ts';
import { deriveKey, loadMasterKey } from './secrets.ts';
import type { Store } from './store/db.ts';

export interface ServiceDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  log: Logger;
  realtime: Realtime;
}

/** Something that runs in the background of a serving instance (timers, listeners). */
export interface BackgroundJob {
  name: string;
  start(): Promise<void> | void;
  /** Called at shutdown, before the database closes. */
  stop(): Promise<void> | void;
}

export function createServices(deps: ServiceDeps) {
  const { config, store, clock, realtime } = deps;
  const db = store.db;
  const audit = createAuditService({ repo: createAuditRepo(), clock, dialect: store.dialect });
  const users = createUserRepo();
  const sessions = createSessionService({ db, sessions: createSessionRepo(), users, clock, realtime, settings: config.session });

  const background: BackgroundJob[] = [];
  // Derive per-purpose keys with deriveKey(masterKey, '<purpose>') (server/secrets.ts).
  const masterKey = loadMasterKey(config);

  // --- auth (issue 5) ---
  const box = createSecretBox(deriveKey(masterKey, 'totp'));
  const passwords = createPasswordHasher();
  const recoveryRepo = createRecoveryRepo();
  const enrolmentRepo = createEnrolmentRepo();
  const factors = createFactors({ users, recovery: recoveryRepo, box, hashRecovery: recoveryCodeHasher(deriveKey(masterKey, 'recovery-codes')), clock });
  const throttle = createThrottle({ repo: createThrottleRepo(), clock, dialect: store.dialect, key: deriveKey(masterKey, 'login-throttle'), addressMaxFailures: config.login.addressMaxFailures });
  const attempts = createAttempts({ throttle, audit, clock });
  const enrolment = createEnrolmentService({ db, dialect: store.dialect, repo: enrolmentRepo, users, factors, passwords, box, sessions, attempts, audit, clock, publicOrigin: config.publicOrigin });
  const login = createLoginService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const account = createAccountService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const userAdmin = createUsersService({ db, users, enrolmentRepo, enrolment, recovery: recoveryRepo, sessions, throttle, audit, clock });

  // --- audit: verification, seals (issue 4) ---
  const auditRepo = createAuditRepo();
  const auditSeals = createSealFile({ dataDir: config.dataDir, key: deriveKey(masterKey, 'audit-seal') });
  const auditSealer = createAuditSealer({ db, repo: auditRepo, seals: auditSeals, clock, intervalMs: config.audit.sealIntervalMs, log: deps.log });
  background.push(auditSealer);
  const auditVerifier = createAuditVerifier({ db, repo: auditRepo, seals: auditSeals, clock, log: deps.log });
  const auditLog = createAuditLogService({
    db,
    repo: auditRepo,
    audit,
    async userNames(ids) {
      const found = await Promise.all(ids.map((id) => users.findById(db, id)));
      return new Map(found.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
    },
  });

  // --- ingest (issue 6) ---
  const accessEvents = createAccessEventsRepo();
  const eventLog = createEventLogSignal();

  // --- alerts, directory, detection (issue 7) ---
  const alerts = createAlertsService({ repo: createAlertsRepo(), audit, clock, realtime });

  return {
    ...deps,
    db,
    masterKey,
    audit,
    users,
    sessions,
    passwords,
    enrolment,
    login,
    account,
    userAdmin,
    accessEvents,
    eventLog,
    alerts,
    background,
    // audit (issue 4)
    auditLog,
    auditVerifier,
    auditSealer,
  };
}

export type Services = ReturnType<typeof createServices>;
