// Token-authenticated ingest endpoints (no cookie, no CSRF): access events as
// a JSON array or NDJSON, FHIR AuditEvents (fhir.routes.ts) and tool alerts.
// Each handler: reserve a place in the writer queue (503 when saturated, or
// when this source already holds its share), stream-parse and validate the
// body record by record within the body deadline (408), commit, answer.
import express from 'express';
import { NotFound } from '../../errors.ts';
import { fhirRoutes } from '../fhir/fhir.routes.ts';
import { requireKind, sourceActor, sourceAuth } from '../sources/source-auth.ts';
import { mapGenericAlert } from '../tools/generic.ts';
import { mapSuricataAlert } from '../tools/suricata.ts';
import type { ToolAlert, ToolMapper } from '../tools/tool-alert.ts';
import { mapWazuhAlert } from '../tools/wazuh.ts';
import { validateAccessEvent, type ValidAccessEvent } from './access-event-validation.ts';
import { bodyFormat } from './body-reader.ts';
import { countRefusals, idempotencyKey, receive, sendAnswer, type IngestRoutesDeps } from './ingest-http.ts';
import { futureLimit } from './iso-time.ts';
import { closeWhenStopping, withinBodyDeadline } from './request-flow.ts';

const ALERT_MAPPERS: Record<string, ToolMapper> = {
  generic: (v, limit) => mapGenericAlert(v, 'generic', limit),
  wazuh: mapWazuhAlert,
  suricata: mapSuricataAlert,
};

export function ingestRoutes(deps: IngestRoutesDeps): express.Router {
  const { ingest, sources, clock, config } = deps;
  const router = express.Router();
  router.use('/fhir', fhirRoutes(deps));
  router.use(sourceAuth(sources, (id, reason) => ingest.noteRefusal(id, 1, reason)));

  router.post('/events', requireKind('ehr'), async (req, res) => {
    const format = bodyFormat(req.get('content-type'));
    const key = idempotencyKey(req);
    const ticket = ingest.reserve(req.source!.id);
    try {
      const limit = futureLimit(clock.now(), config.ingest.futureToleranceMinutes);
      const { items, rejected, digest } = await withinBodyDeadline(
        res,
        config.ingest.bodyTimeoutSeconds,
        receive<ValidAccessEvent>(req, res, config, format, (v) => validateAccessEvent(v, limit)),
      );
      sendAnswer(
        res,
        await ingest.commitEvents(ticket, sourceActor(req), req.source!, items, {
          format: `events:${format}`,
          digest,
          idempotencyKey: key,
          rejected,
        }),
      );
    } finally {
      ticket.release();
    }
  });

  router.post('/alerts/:format', requireKind('alerts'), async (req, res) => {
    const name = req.params.format as string;
    const map = Object.hasOwn(ALERT_MAPPERS, name) ? ALERT_MAPPERS[name]! : undefined;
    if (!map)
      throw new NotFound(
        'ingest.alert_format_unknown',
        `Unknown alert format "${name}"; use one of: ${Object.keys(ALERT_MAPPERS).join(', ')}`,
      );
    const format = bodyFormat(req.get('content-type'));
    const key = idempotencyKey(req);
    const ticket = ingest.reserve(req.source!.id);
    try {
      const limit = futureLimit(clock.now(), config.ingest.futureToleranceMinutes);
      const { items, rejected, skipped, digest } = await withinBodyDeadline(
        res,
        config.ingest.bodyTimeoutSeconds,
        receive<ToolAlert>(req, res, config, format, (v) => map(v, limit)),
      );
      sendAnswer(
        res,
        await ingest.commitAlerts(ticket, sourceActor(req), req.source!, items, {
          format: `alerts:${name}`,
          digest,
          idempotencyKey: key,
          rejected,
          skipped,
        }),
      );
    } finally {
      ticket.release();
    }
  });

  router.use((req, _res, next) =>
    next(new NotFound('route.not_found', `No ingest route ${req.method} ${req.baseUrl}${req.path}`)),
  );
  router.use(countRefusals(ingest));
  router.use(closeWhenStopping());
  return router;
}
