// The directory's admin API: a summary, and imports (a preview with dryRun, then the commit).
import express from 'express';
import { z } from 'zod';
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import type { DirectoryService } from './directory.service.ts';
import { DIRECTORY_KINDS } from './records.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const ImportQuery = z.strictObject({
  kind: z.enum(DIRECTORY_KINDS, { error: `one of ${DIRECTORY_KINDS.join(', ')}` }),
  format: z.enum(['csv', 'json'], { error: 'csv or json (a FHIR Bundle is a .json file)' }),
  filename: z.string().max(255).optional(),
  partial: flag.default(false),
  dryRun: flag.default(false),
});

export function directoryRoutes({
  directory,
  importMaxBytes,
}: {
  directory: Pick<DirectoryService, 'summary' | 'import'>;
  importMaxBytes: number;
}) {
  const r = secureRouter();
  r.get('/directory', 'directory:read', async (_req, res) => {
    res.json(await directory.summary());
  });
  // The file is the body as it is (text/csv, application/json…): its own size limit, not the API's 1 MB.
  r.post(
    '/directory/imports',
    'directory:manage',
    express.text({ type: () => true, limit: importMaxBytes }),
    async (req, res) => {
      const q = parse(ImportQuery, req.query, 'query');
      const content = typeof req.body === 'string' ? req.body : '';
      const report = await directory.import(actorOf(req), {
        kind: q.kind,
        format: q.format,
        filename: q.filename,
        content,
        partial: q.partial,
        dryRun: q.dryRun,
      });
      res.status(report.committed ? 201 : 200).json(report);
    },
  );
  return r.router;
}
