// The alert store: alerts raised by the detector, by other tools through
// ingest, and by staff reports; the analysts' queue and its live pushes.
import express from 'express';
import type { AuditScopes } from '../audit/audit-scope.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { DirectoryService } from '../directory/directory.service.ts';
import { createAccessEventsRepo } from '../ingest/access-events.repo.ts';
import type { KernelDeps, VigieModule } from '../kernel/module.ts';
import { createAlertsRepo } from './alerts.repo.ts';
import { alertRoutes } from './alerts.routes.ts';
import { createAlertsService } from './alerts.service.ts';
import type { ExplanationRenderer } from './explanations.ts';
import { reportRoutes } from './reports.routes.ts';
import { createReportsService } from './reports.service.ts';

export interface AlertsModuleDeps extends KernelDeps {
  audit: AuditService;
  auditScopes: AuditScopes;
  directory: Pick<DirectoryService, 'repo'>;
  /** Renders the explanation keys of other modules (the detection rules' current templates). */
  explain: ExplanationRenderer;
  /** A user's display name, for the reporter of a staff report. */
  nameOf(userId: string): Promise<string | undefined>;
}

export function createAlertsModule(deps: AlertsModuleDeps) {
  const { store, clock, realtime, audit, directory } = deps;
  const db = store.db;
  // Entries about alerts are incident work: analysts read them in the audit log.
  deps.auditScopes.registerIncidentWork('alert');
  const alerts = createAlertsService({
    db,
    repo: createAlertsRepo(),
    audit,
    clock,
    realtime,
    explain: deps.explain,
    // The evidence: access events, read from the table ingest owns.
    events: createAccessEventsRepo(),
    colleaguesOf: async (userId) => {
      const department = (await directory.repo.staffById(db, userId))?.department ?? null;
      return { department, userIds: department ? await directory.repo.staffIdsInDepartment(db, department) : [] };
    },
  });
  // Staff reports (issue 7): any staff member's report enters the same alert store.
  const reports = createReportsService({ db, alerts, clock, nameOf: deps.nameOf });
  const secured = express.Router();
  secured.use(alertRoutes({ alerts }), reportRoutes({ reports }));
  return { service: { alerts, reports }, routes: { secured }, jobs: [] } satisfies VigieModule<unknown>;
}

export type AlertsModule = ReturnType<typeof createAlertsModule>;
