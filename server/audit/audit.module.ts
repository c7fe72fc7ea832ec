// The audit trail: the hash-chained log every module records into, its seals
// and verification, the reading API, and who may read which entries.
import type { BackgroundJob, KernelDeps, VigieModule } from '../kernel/module.ts';
import { deriveKey } from '../secrets.ts';
import { createAuditLogService } from './audit-log.service.ts';
import { createAuditScopes } from './audit-scope.ts';
import { createAuditRepo } from './audit.repo.ts';
import { auditRoutes } from './audit.routes.ts';
import { createAuditService } from './audit.service.ts';
import { createSealFile } from './seal-file.ts';
import { createAuditSealer } from './sealer.job.ts';
import { createAuditVerifier } from './verifier.service.ts';

export interface AuditModuleDeps extends KernelDeps {
  masterKey: Buffer;
  /** Display names of these user ids, for who did what (unknown ids are left out). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}

export function createAuditModule(deps: AuditModuleDeps) {
  const { config, store, clock, log } = deps;
  const db = store.db;
  const repo = createAuditRepo();
  const audit = createAuditService({ repo, clock, dialect: store.dialect });
  const scopes = createAuditScopes();
  const seals = createSealFile({ dataDir: config.dataDir, key: deriveKey(deps.masterKey, 'audit-seal') });
  const auditSealer = createAuditSealer({ db, repo, seals, clock, intervalMs: config.audit.sealIntervalMs, log });
  const auditVerifier = createAuditVerifier({ db, repo, seals, clock, log });
  const auditLog = createAuditLogService({ db, repo, audit, userNames: deps.userNames });
  const jobs: BackgroundJob[] = [auditSealer];
  return {
    service: { audit, auditLog, auditVerifier, auditSealer, scopes },
    routes: { secured: auditRoutes({ auditLog, auditVerifier, scopes, clock, log }) },
    jobs,
  } satisfies VigieModule<unknown>;
}

export type AuditModule = ReturnType<typeof createAuditModule>;
