// Commits what the ingest edges (HTTP, syslog) parsed: access events, tool
// alerts and raw system events, one transaction per batch through the
// writer, with the batch's audit entry, the source's counters and the
// Idempotency-Key record in that same transaction. The answer is given only
// after the commit; the detector is woken right after it.
import type { Actor } from '../actor.ts';
import type { AlertsService, RaisedAlert, RaiseAlertInput } from '../alerts/alerts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Conflict, Invalid } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Trx } from '../store/db.ts';
import type { ValidAccessEvent } from './access-event.validate.ts';
import type { EventAppender } from './event-appender.ts';
import type { EventLogSignal } from './event-log.ts';
import type { BodyDigest } from './ingest.body.ts';
import type { IngestWriter, WriterTicket } from './ingest.writer.ts';
import { parisDay } from './sources.service.ts';
import type { SourceRow, SourcesRepo } from './sources.repo.ts';
import type { NewSystemEventRow, SystemEventsRepo } from './system-events.repo.ts';

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

export interface IngestOutcome {
  accepted: number;
  rejected: Refusal[];
  firstEventId: number | null;
  lastEventId: number | null;
  alerts: RaisedAlert[];
  systemEvents: number;
}

function describeRefusals(rejected: readonly Refusal[]): string | undefined {
  const first = rejected[0];
  if (!first) return undefined;
  return `${rejected.length} record${rejected.length > 1 ? 's' : ''} refused; first: #${first.index}: ${first.reason}`.slice(0, 500);
}

export function createIngestService(deps: {
  writer: IngestWriter;
  appendEvents: EventAppender;
  sources: SourcesRepo;
  systemEvents: SystemEventsRepo;
  audit: AuditService;
  alerts: AlertsService;
  eventLog: EventLogSignal;
  clock: Clock;
  log: Logger;
}) {
  const { writer, appendEvents, sources, systemEvents, audit, alerts, eventLog, clock, log } = deps;

  // Refusals that never reach a batch transaction (a malformed body, a
  // disabled source) are counted in memory and written by one small queued job.
  const refusals = new Map<string, { count: number; error: string }>();
  let flushQueued = false;
  function flushRefusals(): void {
    if (flushQueued) return;
    flushQueued = true;
    writer
      .enqueue(async (trx) => {
        flushQueued = false;
        const now = clock.now();
        const items = [...refusals];
        refusals.clear();
        for (const [sourceId, r] of items) {
          await sources.addCounts(trx, sourceId, parisDay(now), 0, r.count);
          await sources.touch(trx, sourceId, now, r.error);
        }
      })
      .catch((error) => log.warn('could not record ingest refusals', { error }));
  }

  /** The common body of a batch transaction; `write` appends what the batch carries. */
  async function commitBatch<B>(
    ticket: WriterTicket,
    actor: Actor,
    source: SourceRow,
    meta: BatchMeta,
    write: (trx: Trx, now: number) => Promise<Omit<IngestOutcome, 'rejected'>>,
    answer: (outcome: IngestOutcome) => BatchAnswer<B>,
  ): Promise<BatchAnswer<B>> {
    const { answer: result, outcome } = await ticket.commit(async (trx) => {
      if (meta.idempotencyKey) {
        const prior = await sources.findBatch(trx, source.id, meta.idempotencyKey);
        if (prior) {
          if (prior.bodyHash !== meta.digest.sha256) {
            throw new Conflict('ingest.idempotency_key_reused', 'This Idempotency-Key was already used with a different body; use a new key for a new batch');
          }
          return { answer: { status: prior.status, body: JSON.parse(prior.response) as B, replayed: true }, outcome: undefined };
        }
      }
      const now = clock.now();
      const written = await write(trx, now);
      const outcome: IngestOutcome = { ...written, rejected: [...meta.rejected] };
      const refused = meta.rejected.length;
      await sources.addCounts(trx, source.id, parisDay(now), written.accepted, refused, meta.skipped ?? 0);
      await sources.touch(trx, source.id, now, describeRefusals(meta.rejected));
      await audit.record(trx, {
        actor,
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
      const result = answer(outcome);
      if (meta.idempotencyKey) {
        await sources.insertBatch(trx, {
          sourceId: source.id,
          idempotencyKey: meta.idempotencyKey,
          bodyHash: meta.digest.sha256,
          status: result.status,
          response: JSON.stringify(result.body),
          createdAt: now,
        });
      }
      return { answer: result, outcome };
    });
    // After the commit: wake the detector, push new alerts.
    if (outcome?.lastEventId != null) eventLog.notify(outcome.lastEventId);
    if (outcome?.alerts.length) alerts.publish(outcome.alerts);
    return result;
  }

  /** A batch with nothing to keep: 400 naming every refusal (the route counts them). */
  function refuseAll(meta: BatchMeta, what: string): never {
    if (!meta.rejected.length) throw new Invalid('ingest.empty', `The ${what} holds no record`, { accepted: 0, rejected: [] });
    throw new Invalid('ingest.all_rejected', `Every record of the ${what} was refused; first: #${meta.rejected[0]!.index}: ${meta.rejected[0]!.reason}`, {
      accepted: 0,
      rejected: meta.rejected,
    });
  }

  function noteRefusal(sourceId: string, count: number, error: string): void {
    const r = refusals.get(sourceId) ?? { count: 0, error };
    r.count += count;
    r.error = error;
    refusals.set(sourceId, r);
    flushRefusals();
  }

  return {
    reserve: () => writer.reserve(),
    noteRefusal,
    refuseAll,

    /** Appends access events; the answer is `{ accepted, rejected }`. */
    async commitEvents<B = { accepted: number; rejected: Refusal[] }>(
      ticket: WriterTicket,
      actor: Actor,
      source: SourceRow,
      rows: readonly ValidAccessEvent[],
      meta: BatchMeta,
      answer: (o: IngestOutcome) => BatchAnswer<B> = (o) => ({ status: 200, body: { accepted: o.accepted, rejected: o.rejected } as B, replayed: false }),
    ): Promise<BatchAnswer<B>> {
      if (!rows.length) refuseAll(meta, 'batch');
      return commitBatch(
        ticket,
        actor,
        source,
        meta,
        async (trx, now) => {
          const r = await appendEvents(trx, source.id, now, rows);
          return { accepted: r.count, firstEventId: r.firstId, lastEventId: r.lastId, alerts: [], systemEvents: 0 };
        },
        answer,
      );
    },

    /** Raises (or folds) tool alerts; the answer is `{ accepted, rejected, alerts: [ids] }`. */
    async commitAlerts(ticket: WriterTicket, actor: Actor, source: SourceRow, inputs: readonly RaiseAlertInput[], meta: BatchMeta) {
      // A body of skipped records only (a Suricata eve.json stretch without alerts) is a batch like any other.
      if (!inputs.length && (meta.rejected.length || !meta.skipped)) refuseAll(meta, 'batch');
      return commitBatch(
        ticket,
        actor,
        source,
        meta,
        async (trx) => {
          const raised: RaisedAlert[] = [];
          for (const input of inputs) raised.push(await alerts.raise(trx, actor, { ...input, sourceId: source.id }));
          return { accepted: raised.length, firstEventId: null, lastEventId: null, alerts: raised, systemEvents: 0 };
        },
        (o) => ({
          status: 200,
          body: { accepted: o.accepted, rejected: o.rejected, skipped: meta.skipped ?? 0, alerts: o.alerts.map((a) => ({ id: a.alert.id, folded: !a.created })) },
          replayed: false,
        }),
      );
    },

    /** A syslog batch: access events, alerts and raw system events from one sender. */
    async commitSyslog(ticket: WriterTicket, actor: Actor, source: SourceRow, batch: { rows: ValidAccessEvent[]; alerts: RaiseAlertInput[]; systemEvents: NewSystemEventRow[] }, meta: BatchMeta) {
      return commitBatch(
        ticket,
        actor,
        source,
        meta,
        async (trx, now) => {
          const r = await appendEvents(trx, source.id, now, batch.rows);
          const raised: RaisedAlert[] = [];
          for (const input of batch.alerts) raised.push(await alerts.raise(trx, actor, { ...input, sourceId: source.id }));
          await systemEvents.insertMany(trx, batch.systemEvents.map((e) => ({ ...e, receivedAt: now })));
          return { accepted: r.count + raised.length + batch.systemEvents.length, firstEventId: r.firstId, lastEventId: r.lastId, alerts: raised, systemEvents: batch.systemEvents.length };
        },
        (o) => ({ status: 200, body: { accepted: o.accepted, rejected: o.rejected.length }, replayed: false }),
      );
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
