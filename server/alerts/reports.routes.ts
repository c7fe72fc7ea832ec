// POST /api/v1/reports (any staff member files a report) and GET /api/v1/reports/mine (their own, with status).
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import { MyReportsQuery, ReportInput } from './reports.schemas.ts';
import type { ReportsService } from './reports.service.ts';

export function reportRoutes({ reports }: { reports: ReportsService }) {
  const r = secureRouter();
  r.post('/reports', 'reports:create', async (req, res) => {
    const input = parse(ReportInput, req.body, 'report');
    res.status(201).json(await reports.file(actorOf(req), input));
  });
  r.get('/reports/mine', 'reports:create', async (req, res) => {
    const query = parse(MyReportsQuery, req.query, 'query');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await reports.mine(actorOf(req), query));
  });
  return r.router;
}
