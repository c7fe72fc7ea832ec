// /api/v1/audit: the log (filtered, paged), its exports and verification.
// Read-only by construction: no route here changes or deletes an entry.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { Clock } from '../clock.ts';
import { actorOf, allowed, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import type { Logger } from '../log.ts';
import type { AuditLogService } from './audit-log.service.ts';
import type { AuditScopes } from './audit-scope.ts';
import { AuditEntryParams, AuditExportQuery, AuditListQuery, AuditVerifyQuery } from './audit.schemas.ts';
import { toCsv, toJson } from './export-formats.ts';
import type { AuditVerifier } from './verifier.service.ts';

export interface AuditRoutesDeps {
  auditLog: AuditLogService;
  auditVerifier: AuditVerifier;
  scopes: AuditScopes;
  clock: Clock;
  log: Logger;
}

export function auditRoutes({ auditLog, auditVerifier, scopes, clock, log }: AuditRoutesDeps) {
  const r = secureRouter();
  // Administrators (audit:read-all) see every entry; other readers the entries about incident work.
  const scopeOf = (req: Request) => scopes.scopeFor(allowed(req, 'audit:read-all'));

  r.get('/audit', 'audit:read', async (req, res) => {
    const query = parse(AuditListQuery, req.query, 'audit query');
    res.json(await auditLog.list(scopeOf(req), query));
  });

  r.get('/audit/actions', 'audit:read', async (_req, res) => {
    res.json({ items: await auditLog.actions() });
  });

  r.get('/audit/verify', 'audit:verify', async (req, res) => {
    parse(AuditVerifyQuery, req.query, 'verification query');
    res.json(await auditVerifier.verify());
  });

  r.get('/audit/entries/:seq', 'audit:read', async (req, res) => {
    const { seq } = parse(AuditEntryParams, req.params, 'entry number');
    res.json(await auditLog.get(scopeOf(req), seq));
  });

  r.get('/audit/export', 'audit:read', async (req, res) => {
    const query = parse(AuditExportQuery, req.query, 'export query');
    const batches = await auditLog.startExport(actorOf(req), scopeOf(req), query);
    const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    res.setHeader(
      'Content-Type',
      query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    );
    res.setHeader('Content-Disposition', `attachment; filename="vigie-audit-${stamp}.${query.format}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(Readable.from(query.format === 'csv' ? toCsv(batches) : toJson(batches)), res);
    } catch (error) {
      // Headers are gone: the client sees a cut-short download, the log says why.
      if (!res.destroyed) res.destroy();
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        log.error('audit export failed', { requestId: req.id, error });
    }
  });

  return r.router;
}
