// Commits what the ingest edges (HTTP, syslog) parsed: access events, tool
// alerts and raw system events, one transaction per batch through the
// writer (the transaction itself is batch.ts), with the batch's audit
// entry, the source's counters and the Idempotency-Key record in that same
// transaction. The answer is given only after the commit; the detector is
// woken and the new alerts are pushed right after it.
import type { Actor } from '../../actor.ts';
import type { AlertsService, RaisedAlert, RaiseAlertInput } from '../../alerts/alerts.service.ts';
import { Invalid } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SourceRow } from '../sources/sources.repo.ts';
import type { NewSystemEventRow } from '../system-events.repo.ts';
import type { ValidAccessEvent } from './access-event-validation.ts';
import type { BatchAnswer, BatchJob, BatchMeta, EventsAnswer } from './batch.ts';
import type { EventLogSignal } from './event-log.ts';
import type { IngestWriter, WriterTicket } from './writer.ts';

/** What a batch needs of its source. */
type BatchSource = Pick<SourceRow, 'id' | 'name'>;

export type { BatchAnswer, BatchMeta, EventsAnswer, Refusal } from './batch.ts';

/** New alerts pushed between two turns of the event loop. */
const PUSH_SLICE = 100;

export function createIngestService(deps: {
  writer: IngestWriter;
  alerts: Pick<AlertsService, 'publish'>;
  eventLog: EventLogSignal;
  log: Logger;
}) {
  const { writer, alerts, eventLog, log } = deps;

  // Refusals that never reach a batch transaction (a malformed body, a
  // disabled source) are counted in memory and written by one small queued job.
  const refusals = new Map<string, { count: number; error: string; dropped?: number }>();
  let flushQueued = false;
  function flushRefusals(): void {
    if (flushQueued) return;
    flushQueued = true;
    writer
      .enqueue(() => {
        flushQueued = false;
        const items = [...refusals];
        refusals.clear();
        return { kind: 'refusals', items };
      })
      .catch((error) => log.warn('could not record ingest refusals', { error }));
  }

  // Pushes of new alerts, batch after batch in commit order: a batch's pushes go out in slices with a
  // turn of the event loop between them (presenting and encoding 1,000 alerts at once holds the loop
  // for tens of ms), and the next batch's wait for the last slice of this one.
  let pushing: Promise<void> = Promise.resolve();
  function push(results: readonly RaisedAlert[]): Promise<void> {
    // One entry per alert, as `publish` keeps them (the last state; created if any input created it), so
    // that publishing the slices one by one sends exactly what publishing the whole batch would.
    const latest = new Map<number, RaisedAlert>();
    for (const r of results) {
      const before = latest.get(r.alert.id);
      latest.set(r.alert.id, { alert: r.alert, created: r.created || Boolean(before?.created) });
    }
    const unique = [...latest.values()];
    const done = pushing.then(async () => {
      for (let i = 0; i < unique.length; i += PUSH_SLICE) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        try {
          alerts.publish(unique.slice(i, i + PUSH_SLICE));
        } catch (error) {
          log.warn('could not push new alerts', { error });
        }
      }
    });
    pushing = done;
    return done;
  }

  async function commitBatch(ticket: WriterTicket, job: BatchJob): Promise<BatchAnswer> {
    const result = await ticket.commit(job);
    // After the commit: wake the detector, push new alerts.
    if (result.lastEventId != null) eventLog.notify(result.lastEventId);
    if (result.alerts.length) await push(result.alerts);
    return result.answer!;
  }

  /** A batch with nothing to keep: 400 naming every refusal (the route counts them). */
  function refuseAll(meta: BatchMeta, what: string): never {
    if (!meta.rejected.length)
      throw new Invalid('ingest.empty', `The ${what} holds no record`, { accepted: 0, rejected: [] });
    throw new Invalid(
      'ingest.all_rejected',
      `Every record of the ${what} was refused; first: #${meta.rejected[0]!.index}: ${meta.rejected[0]!.reason}`,
      {
        accepted: 0,
        rejected: meta.rejected,
      },
    );
  }

  function noteRefusal(sourceId: string, count: number, error: string): void {
    const r = refusals.get(sourceId) ?? { count: 0, error };
    r.count += count;
    r.error = error;
    refusals.set(sourceId, r);
    flushRefusals();
  }

  /** Counts syslog UDP datagrams lost (not refused: never read or never kept), with the reason as the last error. */
  function noteDropped(sourceId: string, count: number, error: string): void {
    const r = refusals.get(sourceId) ?? { count: 0, error };
    r.dropped = (r.dropped ?? 0) + count;
    r.error = error;
    refusals.set(sourceId, r);
    flushRefusals();
  }

  const header = (actor: Actor, source: BatchSource, meta: BatchMeta) => ({
    actor,
    source: { id: source.id, name: source.name },
    meta,
  });

  return {
    noteDropped,
    /** A place in the writer queue for a batch of `sourceId` (see IngestWriter.reserve). */
    reserve: (sourceId?: string) => writer.reserve(sourceId),
    noteRefusal,
    refuseAll,

    /** Appends access events; the answer is `{ accepted, rejected }`, or a FHIR OperationOutcome. */
    async commitEvents(
      ticket: WriterTicket,
      actor: Actor,
      source: BatchSource,
      rows: readonly ValidAccessEvent[],
      meta: BatchMeta,
      answer: EventsAnswer = { kind: 'events' },
    ): Promise<BatchAnswer> {
      if (!rows.length) refuseAll(meta, 'batch');
      return commitBatch(ticket, { kind: 'events', ...header(actor, source, meta), rows, answer });
    },

    /** Raises (or folds) tool alerts; the answer is `{ accepted, rejected, alerts: [ids] }`. */
    async commitAlerts(
      ticket: WriterTicket,
      actor: Actor,
      source: BatchSource,
      inputs: readonly RaiseAlertInput[],
      meta: BatchMeta,
    ): Promise<BatchAnswer> {
      // A body of skipped records only (a Suricata eve.json stretch without alerts) is a batch like any other.
      if (!inputs.length && (meta.rejected.length || !meta.skipped)) refuseAll(meta, 'batch');
      return commitBatch(ticket, { kind: 'alerts', ...header(actor, source, meta), inputs });
    },

    /** A syslog batch: access events, alerts and raw system events from one sender. */
    async commitSyslog(
      ticket: WriterTicket,
      actor: Actor,
      source: BatchSource,
      batch: { rows: ValidAccessEvent[]; alerts: RaiseAlertInput[]; systemEvents: NewSystemEventRow[] },
      meta: BatchMeta,
    ): Promise<BatchAnswer> {
      return commitBatch(ticket, {
        kind: 'syslog',
        ...header(actor, source, meta),
        rows: batch.rows,
        alerts: batch.alerts,
        systemEvents: batch.systemEvents,
      });
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
