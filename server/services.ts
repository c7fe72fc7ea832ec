// The composition root: builds every service with the narrow dependencies it
// needs. No singletons: tests build their own, with a fake clock.
import { createAlertsRepo } from './alerts/alerts.repo.ts';
import { createAlertsService } from './alerts/alerts.service.ts';
import { createReportsService } from './alerts/reports.service.ts';
import { createDetectionRepo } from './detection/detection.repo.ts';
import { createDetector } from './detection/detector.ts';
import { createRuleExplainer } from './detection/explain.ts';
import { loadRules } from './detection/rule.loader.ts';
import { createRulesService } from './detection/rules.service.ts';
import { createDirectoryRepo } from './directory/directory.repo.ts';
import { createDirectoryService } from './directory/directory.service.ts';
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
import { createExplorerService } from './ingest/explorer.service.ts';
import { createPatientSearchGate } from './ingest/patient-search.ts';
import { createEventLogSignal } from './ingest/event-log.ts';
import { createIngestService } from './ingest/ingest.service.ts';
import { batchRunnerOn, type BatchJob } from './ingest/ingest.batch.ts';
import { createThreadExecutor } from './ingest/ingest.thread.ts';
import { createIngestWriter, inlineExecutor } from './ingest/ingest.writer.ts';
import { createRetention } from './ingest/retention.ts';
import { createSourcesRepo } from './ingest/sources.repo.ts';
import { createSourcesService } from './ingest/sources.service.ts';
import { futureLimit } from './ingest/iso-time.ts';
import { createSyslogListener } from './ingest/syslog/syslog.listener.ts';
import { createSystemEventsRepo } from './ingest/system-events.repo.ts';
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
  const auditRepo = createAuditRepo();
  const audit = createAuditService({ repo: auditRepo, clock, dialect: store.dialect });
  const users = createUserRepo();
  const sessions = createSessionService({ db, sessions: createSessionRepo(), users, clock, realtime, settings: config.session });

  const background: BackgroundJob[] = [];
  // Derive per-purpose keys with deriveKey(masterKey, '<purpose>') (server/secrets.ts).
  const masterKey = loadMasterKey(config);

  // --- auth: passwords, TOTP, enrolment, login, accounts ---
  const box = createSecretBox(deriveKey(masterKey, 'totp'));
  const passwords = createPasswordHasher();
  const recoveryRepo = createRecoveryRepo();
  const enrolmentRepo = createEnrolmentRepo();
  const factors = createFactors({ users, recovery: recoveryRepo, box, hashRecovery: recoveryCodeHasher(deriveKey(masterKey, 'recovery-codes')), clock });
  const throttle = createThrottle({ repo: createThrottleRepo(), clock, dialect: store.dialect, key: deriveKey(masterKey, 'login-throttle'), addressMaxFailures: config.login.addressMaxFailures });
  const attempts = createAttempts({ db, dialect: store.dialect, throttle, audit, clock });
  const enrolment = createEnrolmentService({ db, dialect: store.dialect, repo: enrolmentRepo, users, factors, passwords, box, sessions, attempts, audit, clock, publicOrigin: config.publicOrigin });
  const login = createLoginService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const account = createAccountService({ db, users, passwords, factors, sessions, attempts, audit, clock });
  const userAdmin = createUsersService({ db, users, enrolmentRepo, enrolment, recovery: recoveryRepo, sessions, throttle, audit, clock });

  // --- audit: verification, seals, the log ---
  const auditSeals = createSealFile({ dataDir: config.dataDir, key: deriveKey(masterKey, 'audit-seal') });
  const auditSealer = createAuditSealer({ db, repo: auditRepo, seals: auditSeals, clock, intervalMs: config.audit.sealIntervalMs, log: deps.log });
  background.push(auditSealer);
  const auditVerifier = createAuditVerifier({ db, repo: auditRepo, seals: auditSeals, clock, log: deps.log });
  /** Display names of these user ids, for who did what (unknown ids are left out). */
  const userNames = async (ids: readonly string[]) => {
    const found = await Promise.all([...new Set(ids)].map((id) => users.findById(db, id)));
    return new Map(found.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
  };
  const auditLog = createAuditLogService({ db, repo: auditRepo, audit, userNames });

  // --- ingest: sources, the event writer, the explorer ---
  const accessEvents = createAccessEventsRepo();
  const eventLog = createEventLogSignal();
  const sourcesRepo = createSourcesRepo();
  const sources = createSourcesService({ db, repo: sourcesRepo, audit, clock });
  const patientSearch = createPatientSearchGate({ db, audit, clock, policy: config.patientSearch });
  const explorer = createExplorerService({ db, repo: accessEvents, sources: sourcesRepo, audit, patientSearch });
  const ingestExecution = ingestExecutor(deps, audit);
  const ingestWriter = createIngestWriter(ingestExecution);
  background.push({ name: 'ingest-writer', start: () => ingestExecution.thread?.warm(), stop: () => ingestWriter.stop() });

  // --- alerts, directory, detection ---
  const directory = createDirectoryService({ db, repo: createDirectoryRepo(), audit, clock });
  // A rule file with a problem throws RulesError here: the server does not start.
  const rules = createRulesService({ db, repo: createDetectionRepo(), audit, clock, userNames, definitions: loadRules(config.rulesDir) });
  const alerts = createAlertsService({
    db,
    repo: createAlertsRepo(),
    audit,
    clock,
    realtime,
    events: accessEvents,
    explain: createRuleExplainer(rules.explanation),
    colleaguesOf: async (userId) => {
      const department = (await directory.repo.staffById(db, userId))?.department ?? null;
      return { department, userIds: department ? await directory.repo.staffIdsInDepartment(db, department) : [] };
    },
  });
  // Staff reports (issue 7): any staff member's report enters the same alert store.
  const reports = createReportsService({ db, alerts, clock, nameOf: async (id) => (await users.findById(db, id))?.name });
  const detector = createDetector({ db, dialect: store.dialect, repo: createDetectionRepo(), events: accessEvents, alerts, directory, rules, eventLog, clock, log: deps.log });
  if (config.detector) background.push(detector);

  // --- ingest, continued: it raises tool alerts through the alerts service ---
  const systemEvents = createSystemEventsRepo();
  const ingest = createIngestService({ writer: ingestWriter, alerts, eventLog, log: deps.log });
  const retention = createRetention({ db, accessEvents, systemEvents, sources: sourcesRepo, audit, clock, log: deps.log, retentionDays: config.retentionDays });
  background.push(retention.job());
  // Stopped before the writer (jobs stop in reverse order): its last lines still commit.
  const futureLimitNow = () => futureLimit(clock.now(), config.ingest.futureToleranceMinutes);
  const syslog = config.syslog ? createSyslogListener({ sources, ingest, log: deps.log, options: { ...config.syslog, stopTimeoutMs: config.shutdownTimeoutMs }, futureLimit: futureLimitNow }) : undefined;
  if (syslog) background.push(syslog);

  return {
    ...deps,
    db,
    masterKey,
    audit,
    auditLog,
    auditVerifier,
    auditSealer,
    users,
    sessions,
    passwords,
    enrolment,
    login,
    account,
    userAdmin,
    accessEvents,
    eventLog,
    sources,
    explorer,
    ingestWriter,
    /** The SQLite writer thread, when batches commit there. */
    ingestThread: ingestExecution.thread,
    systemEvents,
    ingest,
    syslog,
    retention,
    alerts,
    reports,
    directory,
    rules,
    detector,
    background,
  };
}

export type Services = ReturnType<typeof createServices>;

/**
 * Where ingest batches commit: on a SQLite database file, in the writer
 * thread (its own connection; the event loop stays free); in memory and on
 * PostgreSQL (asynchronous already), on this thread's connection. The batch's
 * time is read from the clock when its turn comes, in both.
 */
function ingestExecutor(deps: ServiceDeps, audit: ReturnType<typeof createAuditService>) {
  const { config, store, clock, log } = deps;
  const capacity = config.ingest.queueBatches;
  if (config.ingest.writerThread && store.dialect === 'sqlite' && store.file && store.waitingWriters) {
    const thread = createThreadExecutor({ file: store.file, waitingWriters: store.waitingWriters, log });
    return { prepare: thread.prepare, execute: (job: BatchJob) => thread.execute(job, clock.now()), capacity, close: () => thread.close(), thread };
  }
  const runner = batchRunnerOn(store, clock);
  return { execute: inlineExecutor(store.db, audit, (trx, job: BatchJob) => runner.run(trx, job, clock.now())), prepare: undefined, capacity, close: undefined, thread: undefined };
}
