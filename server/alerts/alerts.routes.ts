// GET /api/v1/alerts (filters: rule, severity, status, user, from, to; cursor paging), GET /api/v1/alerts/:id,
// and POST /api/v1/alerts/:id/reveal (the clear patient text, with a reason, audited).
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import { RevealBody } from '../ingest/explorer/explorer.schemas.ts';
import { AlertIdParam, AlertListQuery } from './alerts.schemas.ts';
import type { AlertsService } from './alerts.service.ts';

export function alertRoutes({ alerts }: { alerts: Pick<AlertsService, 'list' | 'get' | 'reveal'> }) {
  const r = secureRouter();
  r.get('/alerts', 'alerts:read', async (req, res) => {
    const q = parse(AlertListQuery, req.query, 'query');
    res.json(
      await alerts.list(actorOf(req), {
        rules: q.rule,
        severities: q.severity,
        statuses: q.status,
        userId: q.user,
        notRules: q['not.rule'],
        notUserId: q['not.user'],
        from: q.from,
        to: q.to,
        cursor: q.cursor,
        limit: q.limit,
      }),
    );
  });
  r.get('/alerts/:id', 'alerts:read', async (req, res) => {
    const { id } = parse(AlertIdParam, req.params, 'alert id');
    res.json(await alerts.get(actorOf(req), id));
  });
  r.post('/alerts/:id/reveal', 'patients:reveal', async (req, res) => {
    const { id } = parse(AlertIdParam, req.params, 'alert id');
    const { reason } = parse(RevealBody, req.body, 'reveal');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await alerts.reveal(actorOf(req), id, reason));
  });
  return r.router;
}
