// Administration of sources (sources:manage): the token is in the answer of
// create and rotate only, once.
import { z } from 'zod';
import { actorOf, secureRouter } from '../../http/auth.ts';
import { parse } from '../../http/validate.ts';
import { SOURCE_KINDS } from '../ingest.tables.ts';
import type { SourcesService } from './sources.service.ts';

const name = z.string().trim().min(1).max(80);
const addresses = z.array(z.string().trim().min(1).max(64)).max(100);

const CreateSource = z.strictObject({ name, kind: z.enum(SOURCE_KINDS), allowedAddresses: addresses.optional() });
const UpdateSource = z
  .strictObject({ name: name.optional(), enabled: z.boolean().optional(), allowedAddresses: addresses.optional() })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
const SourceParams = z.object({ id: z.uuid() });

export function sourcesRoutes({ sources }: { sources: SourcesService }) {
  const r = secureRouter();

  r.get('/sources', 'sources:manage', async (_req, res) => {
    res.json({ items: await sources.list() });
  });
  r.post('/sources', 'sources:manage', async (req, res) => {
    const input = parse(CreateSource, req.body, 'source');
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(await sources.create(actorOf(req), input));
  });
  r.get('/sources/:id', 'sources:manage', async (req, res) => {
    const { id } = parse(SourceParams, req.params, 'source id');
    res.json(await sources.get(id));
  });
  r.patch('/sources/:id', 'sources:manage', async (req, res) => {
    const { id } = parse(SourceParams, req.params, 'source id');
    res.json(await sources.update(actorOf(req), id, parse(UpdateSource, req.body, 'source')));
  });
  r.post('/sources/:id/rotate', 'sources:manage', async (req, res) => {
    const { id } = parse(SourceParams, req.params, 'source id');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await sources.rotate(actorOf(req), id));
  });
  r.post('/sources/:id/revoke', 'sources:manage', async (req, res) => {
    const { id } = parse(SourceParams, req.params, 'source id');
    res.json(await sources.revoke(actorOf(req), id));
  });

  return r.router;
}
