// What one ingest batch transaction does, as plain data in and plain data out,
// so that the same code runs in the main thread (PostgreSQL, in-memory SQLite)
// and in the SQLite writer thread (writer-thread.ts): a `BatchJob` survives a
// structured clone, and `createBatchRunner` is built on whichever connection
// runs it. The Idempotency-Key check and record, the rows, the source's
// counters and the batch's audit entry all sit in the one transaction.
import type { Actor } from '../../actor.ts';
import { createAlertsRepo } from '../../alerts/alerts.repo.ts';
import {
  createAlertsService,
  type AlertsService,
  type RaisedAlert,
  type RaiseAlertInput,
} from '../../alerts/alerts.service.ts';
import { createAuditRepo } from '../../audit/audit.repo.ts';
import { createAuditService, type AuditService } from '../../audit/audit.service.ts';
import type { Clock } from '../../clock.ts';
import { Conflict } from '../../errors.ts';
import { createRealtime } from '../../realtime/realtime.ts';
import type { Store, Trx } from '../../store/db.ts';
import { createAccessEventsRepo } from '../access-events.repo.ts';
import { operationOutcome, type OutcomeIssue } from '../fhir/operation-outcome.ts';
import { createSourcesRepo, type SourcesRepo } from '../sources/sources.repo.ts';
import { parisDay } from '../sources/sources.service.ts';
import { createSystemEventsRepo, type NewSystemEventRow, type SystemEventsRepo } from '../system-events.repo.ts';
import type { ValidAccessEvent } from './access-event-validation.ts';
import type { BodyDigest } from './body-reader.ts';
import { createEventAppender, type EventAppender } from './event-appender.ts';

/** A record refused, by its 0-based position in the batch (and its line, for NDJSON). */
export interface Refusal {
  index: number;
  reason: string;
  line?: number;
}

export interface BatchAnswer<B = unknown> {
  status: number;
  body: B;
  /** true when an Idempotency-Key matched a committed batch: nothing was added. */
  replayed: boolean;
}

export interface BatchMeta {
  /** What was sent: `events`, `fhir`, `alerts:wazuh`… (audit details). */
  format: string;
  digest: BodyDigest;
  idempotencyKey?: string;
  rejected: readonly Refusal[];
  /** Records the format ignores by design (Suricata's non-alert events): counted apart, not refused. */
  skipped?: number;
}

/** How an access-event batch is answered (data, not a function: it crosses to the writer thread). */
export type EventsAnswer = { kind: 'events' } | { kind: 'fhir'; resources: number; issues: OutcomeIssue[] };

interface BatchHeader {
  actor: Actor;
  source: { id: string; name: string };
  meta: BatchMeta;
}

export type BatchJob =
  | (BatchHeader & { kind: 'events'; rows: readonly ValidAccessEvent[]; answer: EventsAnswer })
  | (BatchHeader & { kind: 'alerts'; inputs: readonly RaiseAlertInput[] })
  | (BatchHeader & {
      kind: 'syslog';
      rows: readonly ValidAccessEvent[];
      alerts: readonly RaiseAlertInput[];
      systemEvents: readonly NewSystemEventRow[];
    })
  /** Refusals that never reached a batch (malformed body, disabled source): counters only. */
  | { kind: 'refusals'; items: [sourceId: string, { count: number; error: string; dropped?: number }][] };

export interface JobResult {
  /** Absent for a `refusals` job. */
  answer?: BatchAnswer;
  /** The highest event id committed (wakes the detector), null when none or replayed. */
  lastEventId: number | null;
  /** Raised or folded alerts, to publish after the commit. */
  alerts: RaisedAlert[];
}

interface Written {
  accepted: number;
  firstEventId: number | null;
  lastEventId: number | null;
  alerts: RaisedAlert[];
  systemEvents: number;
}

function describeRefusals(rejected: readonly Refusal[]): string | undefined {
  const first = rejected[0];
  if (!first) return undefined;
  return `${rejected.length} record${rejected.length > 1 ? 's' : ''} refused; first: #${first.index}: ${first.reason}`.slice(
    0,
    500,
  );
}

function answerOf(job: Exclude<BatchJob, { kind: 'refusals' }>, w: Written): BatchAnswer {
  const rejected = [...job.meta.rejected];
  switch (job.kind) {
    case 'events':
      if (job.answer.kind === 'events')
        return { status: 200, body: { accepted: w.accepted, rejected }, replayed: false };
      return {
        status: job.answer.resources === 1 ? 201 : 200,
        body: operationOutcome([
          {
            severity: 'information',
            code: 'informational',
            diagnostics: `accepted ${job.answer.resources - job.answer.issues.length} of ${job.answer.resources} AuditEvent(s) as ${w.accepted} access event(s)`,
          },
          ...job.answer.issues,
        ]),
        replayed: false,
      };
    case 'alerts':
      return {
        status: 200,
        body: {
          accepted: w.accepted,
          rejected,
          skipped: job.meta.skipped ?? 0,
          alerts: w.alerts.map((a) => ({ id: a.alert.id, folded: !a.created })),
        },
        replayed: false,
      };
    case 'syslog':
      return { status: 200, body: { accepted: w.accepted, rejected: rejected.length }, replayed: false };
  }
}

export interface BatchRunnerDeps {
  appendEvents: EventAppender;
  sources: SourcesRepo;
  systemEvents: SystemEventsRepo;
  audit: AuditService;
  alerts: Pick<AlertsService, 'raiseMany'>;
}

/** The body of every batch transaction; `now` is the batch's time, read by the writer when the batch's turn comes. */
export function createBatchRunner(deps: BatchRunnerDeps) {
  const { appendEvents, sources, systemEvents, audit, alerts } = deps;

  async function write(trx: Trx, job: Exclude<BatchJob, { kind: 'refusals' }>, now: number): Promise<Written> {
    const sourceId = job.source.id;
    if (job.kind === 'events') {
      const r = await appendEvents(trx, sourceId, now, job.rows);
      return { accepted: r.count, firstEventId: r.firstId, lastEventId: r.lastId, alerts: [], systemEvents: 0 };
    }
    if (job.kind === 'alerts') {
      const raised = await alerts.raiseMany(
        trx,
        job.actor,
        job.inputs.map((input) => ({ ...input, sourceId })),
      );
      return { accepted: raised.length, firstEventId: null, lastEventId: null, alerts: raised, systemEvents: 0 };
    }
    const r = await appendEvents(trx, sourceId, now, job.rows);
    const raised = await alerts.raiseMany(
      trx,
      job.actor,
      job.alerts.map((input) => ({ ...input, sourceId })),
    );
    await systemEvents.insertMany(
      trx,
      job.systemEvents.map((e) => ({ ...e, receivedAt: now })),
    );
    const accepted = r.count + raised.length + job.systemEvents.length;
    return {
      accepted,
      firstEventId: r.firstId,
      lastEventId: r.lastId,
      alerts: raised,
      systemEvents: job.systemEvents.length,
    };
  }

  return {
    async run(trx: Trx, job: BatchJob, now: number): Promise<JobResult> {
      if (job.kind === 'refusals') {
        for (const [sourceId, r] of job.items) {
          await sources.recordActivity(trx, {
            sourceId,
            at: now,
            day: parisDay(now),
            accepted: 0,
            refused: r.count,
            error: r.error,
          });
          await sources.addDropped(trx, sourceId, parisDay(now), r.dropped ?? 0);
        }
        return { lastEventId: null, alerts: [] };
      }
      const { meta, source } = job;
      if (meta.idempotencyKey) {
        const prior = await sources.findBatch(trx, source.id, meta.idempotencyKey);
        if (prior) {
          if (prior.bodyHash !== meta.digest.sha256) {
            throw new Conflict(
              'ingest.idempotency_key_reused',
              'This Idempotency-Key was already used with a different body; use a new key for a new batch',
            );
          }
          return {
            answer: { status: prior.status, body: JSON.parse(prior.response), replayed: true },
            lastEventId: null,
            alerts: [],
          };
        }
      }
      const written = await write(trx, job, now);
      const refused = meta.rejected.length;
      await sources.recordActivity(trx, {
        sourceId: source.id,
        at: now,
        day: parisDay(now),
        accepted: written.accepted,
        refused,
        skipped: meta.skipped ?? 0,
        error: describeRefusals(meta.rejected),
      });
      await audit.record(trx, {
        actor: job.actor,
        action: 'ingest.batch',
        target: { type: 'source', id: source.id },
        details: {
          source: source.name,
          format: meta.format,
          count: written.accepted,
          rejected: refused,
          ...(meta.skipped ? { skipped: meta.skipped } : {}),
          firstEventId: written.firstEventId,
          lastEventId: written.lastEventId,
          alerts: written.alerts.map((a) => a.alert.id),
          systemEvents: written.systemEvents,
          sha256: meta.digest.sha256,
          bytes: meta.digest.bytes,
        },
      });
      const answer = answerOf(job, written);
      if (meta.idempotencyKey) {
        await sources.insertBatch(trx, {
          sourceId: source.id,
          idempotencyKey: meta.idempotencyKey,
          bodyHash: meta.digest.sha256,
          status: answer.status,
          response: JSON.stringify(answer.body),
          createdAt: now,
        });
      }
      return { answer, lastEventId: written.lastEventId, alerts: written.alerts };
    },
  };
}

export type BatchRunner = ReturnType<typeof createBatchRunner>;

/**
 * The batch runner on a store's connection, built from the same services as
 * the rest of Vigie (audit, alerts' `raise`, the appender, the repos). The
 * main thread builds one on its store; the writer thread on its own
 * connection. Alerts are pushed by the main thread after the commit, so the
 * realtime publisher here has no listener.
 */
export function batchRunnerOn(store: Store, clock: Clock, options: { timelineChunk?: number } = {}): BatchRunner {
  const audit = createAuditService({ repo: createAuditRepo(), clock, dialect: store.dialect });
  const alerts = createAlertsService({
    db: store.db,
    repo: createAlertsRepo(),
    audit,
    clock,
    realtime: createRealtime(),
    events: createAccessEventsRepo(),
  });
  return createBatchRunner({
    appendEvents: createEventAppender(store, options),
    sources: createSourcesRepo(),
    systemEvents: createSystemEventsRepo(),
    audit,
    alerts,
  });
}
