// The composition root: the list of modules, each built with what it needs
// from the kernel and from the modules before it. Nothing imports this file
// but the entry points (app.ts, the CLI). No singletons: tests build their
// own, with a fake clock.
import { createAlertsModule } from './alerts/alerts.module.ts';
import { createAuditModule } from './audit/audit.module.ts';
import { createAuthModule, type AuthModule } from './auth/auth.module.ts';
import { createDetectionModule, type DetectionModule } from './detection/detection.module.ts';
import { createDirectoryModule } from './directory/directory.module.ts';
import { createIngestModule } from './ingest/ingest.module.ts';
import type { BackgroundJob, KernelDeps, ModuleRoutes } from './kernel/module.ts';
import { loadMasterKey } from './secrets.ts';
import { reportAfterCommitErrors } from './store/transaction.ts';

export type ServiceDeps = KernelDeps;

export function createServices(kernel: KernelDeps) {
  const { config, store, log } = kernel;
  reportAfterCommitErrors(store.db, (error) => log.error('work after commit failed', { error }));
  // Derive per-purpose keys with deriveKey(masterKey, '<purpose>') (server/secrets.ts).
  const masterKey = loadMasterKey(config);

  // The audit trail names users; the names come from the accounts, built next (read only at request time).
  let auth: AuthModule | undefined;
  const userNames = (ids: readonly string[]) => auth!.service.userNames(ids);
  // Alerts render with the rules' templates; the rules are built after the alerts (read only when an alert is shown).
  let detection: DetectionModule | undefined;
  const audit = createAuditModule({ ...kernel, masterKey, userNames });
  auth = createAuthModule({ ...kernel, masterKey, audit: audit.service.audit });
  const directory = createDirectoryModule({ ...kernel, audit: audit.service.audit });
  const alerts = createAlertsModule({
    ...kernel,
    audit: audit.service.audit,
    auditScopes: audit.service.scopes,
    directory: directory.service.directory,
    explain: (explanation) => detection!.service.explain(explanation),
    nameOf: async (id) => (await auth.service.users.findById(store.db, id))?.name,
  });
  const ingest = createIngestModule({ ...kernel, audit: audit.service.audit, alerts: alerts.service.alerts });
  detection = createDetectionModule({
    ...kernel,
    audit: audit.service.audit,
    alerts: alerts.service.alerts,
    directory: directory.service.directory,
    events: ingest.service.accessEvents,
    eventLog: ingest.service.eventLog,
    userNames,
  });

  // In mounting order (app.ts) and start order (jobs stop in reverse).
  const modules = { auth, audit, alerts, directory, detection, ingest };
  const routes: ModuleRoutes[] = Object.values(modules).flatMap((m) => (m.routes ? [m.routes] : []));
  const background: BackgroundJob[] = [audit, ingest, detection].flatMap((m) => m.jobs);

  return {
    ...kernel,
    db: store.db,
    masterKey,
    ...audit.service,
    ...auth.service,
    ...directory.service,
    ...alerts.service,
    ...ingest.service,
    ...detection.service,
    routes,
    background,
  };
}

export type Services = ReturnType<typeof createServices>;
