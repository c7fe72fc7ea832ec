// The access-log explorer's API (session, events:read) and the audited reveal (patients:reveal);
// a search by clear patient identifier is a reveal too (a reason, audited, limited: patient-search.ts).
import type { Response } from 'express';
import { actorOf, secureRouter } from '../../http/auth.ts';
import { parse } from '../../http/validate.ts';
import { CSV_HEADER, csvLine, csvRow } from './explorer-csv.ts';
import { AccessEventQuery, EventIdParams, RevealBody } from './explorer.schemas.ts';
import type { ExplorerService } from './explorer.service.ts';

async function write(res: Response, text: string): Promise<void> {
  if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
}

export function explorerRoutes({ explorer }: { explorer: ExplorerService }) {
  const r = secureRouter();

  r.get('/access-events', 'events:read', async (req, res) => {
    res.json(await explorer.search(actorOf(req), parse(AccessEventQuery, req.query, 'search')));
  });

  r.get('/access-events/export.csv', 'events:read', async (req, res) => {
    const query = parse(AccessEventQuery, req.query, 'search');
    const rows = explorer.exportRows(actorOf(req), query);
    const first = await rows.next(); // filters checked and export audited before any byte is sent
    const day = new Date().toISOString().slice(0, 10);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="vigie-access-log-${day}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    await write(res, '\uFEFF' + csvLine(CSV_HEADER));
    for (let r = first; !r.done; r = await rows.next()) {
      if (res.destroyed) return void (await rows.return(undefined));
      await write(res, csvRow(r.value));
    }
    res.end();
  });

  r.get('/access-events/:id', 'events:read', async (req, res) => {
    const { id } = parse(EventIdParams, req.params, 'event id');
    res.json(await explorer.get(id));
  });

  r.post('/access-events/:id/reveal', 'patients:reveal', async (req, res) => {
    const { id } = parse(EventIdParams, req.params, 'event id');
    const { reason } = parse(RevealBody, req.body, 'reveal');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await explorer.reveal(actorOf(req), id, reason));
  });

  return r.router;
}
