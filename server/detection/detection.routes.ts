// The rules, as admins see and adjust them: GET /api/v1/rules, PATCH /api/v1/rules/:id.
import { z } from 'zod';
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import { RulePatch } from './detection.schemas.ts';
import type { RulesService } from './rules.service.ts';

export function ruleRoutes({ rules }: { rules: Pick<RulesService, 'list' | 'update'> }) {
  const r = secureRouter();
  r.get('/rules', 'rules:read', async (req, res) => {
    res.json({ items: await rules.list(actorOf(req)) });
  });
  r.patch('/rules/:id', 'rules:manage', async (req, res) => {
    const { id } = parse(z.object({ id: z.string().min(1) }), req.params, 'rule id');
    res.json(await rules.update(actorOf(req), id, parse(RulePatch, req.body, 'rule change')));
  });
  return r.router;
}
