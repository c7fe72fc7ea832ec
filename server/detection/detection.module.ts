// Detection: the rules (YAML files, adjusted by admins) and the detector that
// reads the access log after ingest and raises alerts.
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { DirectoryService } from '../directory/directory.service.ts';
import type { AccessEventsRepo } from '../ingest/access-events.repo.ts';
import type { EventLogSignal } from '../ingest/pipeline/event-log.ts';
import type { BackgroundJob, KernelDeps, VigieModule } from '../kernel/module.ts';
import { createDetectionRepo } from './detection.repo.ts';
import { ruleRoutes } from './detection.routes.ts';
import { createDetector } from './detector.job.ts';
import { createRuleExplainer } from './explain.ts';
import { loadRules } from './rule-loader.ts';
import { createRulesService } from './rules.service.ts';

export interface DetectionModuleDeps extends KernelDeps {
  audit: AuditService;
  alerts: AlertsService;
  directory: DirectoryService;
  /** The access log the detector reads, and the signal that says it grew. */
  events: AccessEventsRepo;
  eventLog: EventLogSignal;
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}

export function createDetectionModule(deps: DetectionModuleDeps) {
  const { config, store, clock, log, audit, alerts, directory, events, eventLog } = deps;
  const db = store.db;
  const repo = createDetectionRepo();
  // A rule file with a problem throws RulesError here: the server does not start.
  const rules = createRulesService({
    db,
    repo,
    audit,
    clock,
    userNames: deps.userNames,
    definitions: loadRules(config.rulesDir),
  });
  const detector = createDetector({
    db,
    dialect: store.dialect,
    repo,
    events,
    alerts,
    directory,
    rules,
    eventLog,
    clock,
    log,
  });
  const jobs: BackgroundJob[] = config.detector ? [detector] : [];
  // Alerts read as the rule's template says today, in the reader's language.
  const explain = createRuleExplainer(rules.explanation);
  return {
    service: { rules, detector, explain },
    routes: { secured: ruleRoutes({ rules }) },
    jobs,
  } satisfies VigieModule<unknown>;
}

export type DetectionModule = ReturnType<typeof createDetectionModule>;
