// POST /api/v1/ingest/fhir: a FHIR R4 AuditEvent, a Bundle of them, or FHIR
// NDJSON. Every answer, errors included, is an OperationOutcome
// (application/fhir+json) whose issues name the element in `expression`.
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError, TooManyRequests, Unavailable } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { StoreHealth } from '../../store/store-health.ts';
import type { ValidAccessEvent } from '../pipeline/access-event-validation.ts';
import { bodyFormat } from '../pipeline/body-reader.ts';
import { countRefusals, idempotencyKey, receive, sendAnswer, type IngestRoutesDeps } from '../pipeline/ingest-http.ts';
import type { Refusal } from '../pipeline/ingest.service.ts';
import { futureLimit } from '../pipeline/iso-time.ts';
import { closeWhenStopping, withinBodyDeadline } from '../pipeline/request-flow.ts';
import { requireKind, sourceActor, sourceAuth } from '../sources/source-auth.ts';
import { mapperFailure } from '../tools/tool-alert.ts';
import { mapAuditEvent, resourcesOf } from './fhir-mapper.ts';
import { issueTypeOf, operationOutcome, type OutcomeIssue } from './operation-outcome.ts';

export const FHIR_JSON = 'application/fhir+json';
/** Resources mapped between two turns of the event loop (about 4 ms of work). */
const MAP_SLICE = 100;

/** A parsed record of the body, waiting for its mapping: its AuditEvents (or why it holds none) and its index. */
interface Parsed {
  entries: ReturnType<typeof resourcesOf>;
  index: number;
}
const ACCEPTED_TYPES = [FHIR_JSON, 'application/json', 'application/fhir+ndjson', 'application/x-ndjson'];

export function fhirRoutes(deps: IngestRoutesDeps): express.Router {
  const { ingest, sources, clock, config } = deps;
  const router = express.Router();
  router.use(sourceAuth(sources, (id, reason) => ingest.noteRefusal(id, 1, reason)));

  router.post('/', requireKind('fhir'), async (req, res) => {
    const format = bodyFormat(req.get('content-type'), ACCEPTED_TYPES);
    const key = idempotencyKey(req);
    const ticket = ingest.reserve(req.source!.id);
    try {
      // Each AuditEvent of the body (alone, in a Bundle, or one per NDJSON line) gives access events or an issue.
      const issues: OutcomeIssue[] = [];
      const refusals: Refusal[] = [];
      let resources = 0;
      const refuse = (issue: OutcomeIssue) => {
        issues.push(issue);
        refusals.push({ index: resources - 1, reason: issue.diagnostics });
      };
      const limit = futureLimit(clock.now(), config.ingest.futureToleranceMinutes);
      // The body is read and parsed first; each resource is mapped afterwards, in slices with a turn of the
      // event loop between them, so that a large Bundle never holds the loop for its whole mapping.
      const reading = receive<Parsed>(req, res, config, format, (value, index) => ({
        entries: resourcesOf(value),
        index,
      }));
      const {
        items: parsed,
        rejected,
        digest,
      } = await withinBodyDeadline(res, config.ingest.bodyTimeoutSeconds, reading);
      const items: ValidAccessEvent[][] = [];
      let mapped = 0;
      for (const { entries, index } of parsed) {
        if (!Array.isArray(entries)) {
          resources++;
          refuse(entries.issue);
          continue;
        }
        const events: ValidAccessEvent[] = [];
        for (const { resource, prefix } of entries) {
          if (++mapped % MAP_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
          resources++;
          let r: ReturnType<typeof mapAuditEvent>;
          try {
            r = mapAuditEvent(resource, prefix, limit);
          } catch (error) {
            // One resource that breaks the mapper is refused alone; the others of the Bundle are kept.
            r = {
              ok: false,
              issue: {
                severity: 'error',
                code: 'processing',
                diagnostics: `${prefix}: ${mapperFailure(error)}`,
                expression: [prefix],
              },
            };
          }
          if (r.ok) for (const e of r.events) events.push(e);
          else
            refuse(
              format === 'ndjson' ? { ...r.issue, diagnostics: `line ${index + 1}: ${r.issue.diagnostics}` } : r.issue,
            );
        }
        items.push(events);
      }
      for (const r of rejected) {
        resources++;
        refuse({
          severity: 'error',
          code: 'structure',
          diagnostics: r.line === undefined ? r.reason : `line ${r.line}: ${r.reason}`,
        });
      }
      const rows = items.flat();
      if (!rows.length) {
        const all = issues.length
          ? issues
          : [
              {
                severity: 'error' as const,
                code: 'required' as const,
                diagnostics: 'Bundle.entry: no AuditEvent in the request',
                expression: ['Bundle.entry'],
              },
            ];
        ingest.noteRefusal(req.source!.id, Math.max(1, resources), all[0]!.diagnostics.slice(0, 500));
        res
          .status(400)
          .type(FHIR_JSON)
          .send(JSON.stringify(operationOutcome(all)));
        return;
      }
      const meta = { format: `fhir:${format}`, digest, idempotencyKey: key, rejected: refusals };
      const answer = await ingest.commitEvents(ticket, sourceActor(req), req.source!, rows, meta, {
        kind: 'fhir',
        resources,
        issues,
      });
      sendAnswer(res, answer, FHIR_JSON);
    } finally {
      ticket.release();
    }
  });

  router.use(countRefusals(ingest));
  router.use(closeWhenStopping());
  router.use(fhirErrors(deps.log, deps.health));
  return router;
}

/** Errors of the FHIR endpoint as OperationOutcome; unknown errors stay generic (500). */
function fhirErrors(log: Logger, health: StoreHealth) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    // A store failure (database unreachable, disk full) answers 503/507 here too, and is noted for readiness.
    if (!(err instanceof AppError)) {
      const known = health.failed(err);
      if (known) {
        log[known.status === 503 ? 'warn' : 'error'](known.message, {
          requestId: req.id,
          answer: known.code,
          error: err,
        });
        err = known;
      }
    }
    if (!(err instanceof AppError)) {
      log.error('unhandled error', { requestId: req.id, path: req.baseUrl + req.path, error: err });
      res
        .status(500)
        .type(FHIR_JSON)
        .send(
          JSON.stringify(
            operationOutcome([
              { severity: 'fatal', code: 'exception', diagnostics: `Internal error (request ${req.id})` },
            ]),
          ),
        );
      return;
    }
    if ((err instanceof TooManyRequests || err instanceof Unavailable) && err.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    res
      .status(err.status)
      .type(FHIR_JSON)
      .send(
        JSON.stringify(
          operationOutcome([{ severity: 'error', code: issueTypeOf(err), diagnostics: `${err.code}: ${err.message}` }]),
        ),
      );
  };
}
