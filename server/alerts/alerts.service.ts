// The alert store: detection, security tools and staff reports all raise
// alerts here. A repeat with the same fingerprint inside the rule's window
// folds into the open alert (count + last seen) instead of a new one.
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { AccessEventRow } from '../ingest/access-events.repo.ts';
import { maskPatientId } from '../privacy.ts';
import type { Room } from '../realtime/events.ts';
import type { Realtime } from '../realtime/realtime.ts';
import type { Db, Trx } from '../store/db.ts';
import { afterCommit, inTransaction } from '../store/transaction.ts';
import type { AlertDetail, AlertDetails, AlertPage, RevealedAlertPatient } from '../wire/alerts.ts';
import type { RaiseAlertInput, RaisedAlert } from './alert-inputs.ts';
import { freeTextTerms, presentAlert, presentEvidenceEvent } from './alerts.present.ts';
import type { AlertFilter, AlertRow, AlertsRepo } from './alerts.repo.ts';
import type { ExplanationRenderer } from './explanations.ts';
import { foldDetails, prepareAlert, raisedDetails, raiseMany } from './raise-many.ts';
import { maskTerms } from './report-text.ts';

export { presentAlert as presentAlertPush } from './alerts.present.ts';

export type { RaiseAlertInput, RaisedAlert } from './alert-inputs.ts';

/** Where alert pushes go: the analysts (and approvers, who watch dashboards). */
export const ALERT_ROOMS: Room[] = ['role:analyst', 'role:approver'];

/** Evidence events shown on an alert's page (the count says how many there are in all). */
const EVIDENCE_SHOWN = 200;

export interface AlertDeps {
  db: Db;
  repo: AlertsRepo;
  audit: AuditService;
  clock: Clock;
  realtime: Realtime;
  events: { findByIds(db: Db, ids: readonly number[]): Promise<AccessEventRow[]> };
  /** Members of a user's department, for "how often for this service before". */
  colleaguesOf?: (userId: string) => Promise<{ department: string | null; userIds: string[] }>;
  /** The current titles of detection rules (the YAML may have been edited since the alert). */
  ruleTitle?: (rule: string) => { fr: string; en: string } | undefined;
  /**
   * Renders the explanation keys this module does not own: detection rules'
   * (`rule.<id>`), from their current templates. Without it (the writer
   * thread only raises), a rule alert would read as its rule id and facts.
   */
  explain?: ExplanationRenderer;
}

export function createAlertsService(deps: AlertDeps) {
  const { db, repo, audit, clock, realtime, events, explain } = deps;
  const present = (row: AlertRow) => presentAlert(row, explain);

  /** After the commit: tells the live queues, once per alert with its latest state. */
  function publish(results: readonly RaisedAlert[]): void {
    const latest = new Map<number, RaisedAlert>();
    for (const r of results) {
      const before = latest.get(r.alert.id);
      latest.set(r.alert.id, { alert: r.alert, created: r.created || Boolean(before?.created) });
    }
    for (const r of latest.values())
      realtime.publish(r.created ? 'alert.raised' : 'alert.updated', present(r.alert), ALERT_ROOMS);
  }

  // The alerts raised in each open transaction, published together once it commits.
  const raisedIn = new WeakMap<Trx, RaisedAlert[]>();
  function publishAfterCommit(trx: Trx, result: RaisedAlert): RaisedAlert {
    let raised = raisedIn.get(trx);
    if (!raised) {
      const list: RaisedAlert[] = (raised = []);
      raisedIn.set(trx, list);
      afterCommit(trx, () => publish(list));
    }
    raised.push(result);
    return result;
  }

  return {
    repo,
    /** Raises or folds an alert inside the caller's transaction; the live queues hear of it once that commits. */
    async raise(trx: Trx, actor: Actor, input: RaiseAlertInput): Promise<RaisedAlert> {
      // Serialise with other writers so two repeats never both create an alert.
      await audit.lock(trx);
      const now = clock.now();
      const p = prepareAlert(input);
      const target = await repo.findFoldTarget(trx, p.row.fingerprint, p.since);
      if (target) {
        // eve.json is not in time order: a repeat may be older than the alert's first sighting.
        const alert = await repo.fold(
          trx,
          target.id,
          p.row.count,
          Math.max(target.lastSeenAt, p.row.lastSeenAt),
          now,
          Math.min(target.firstSeenAt, p.row.firstSeenAt),
        );
        await repo.addEvidence(trx, alert.id, p.evidence);
        await audit.record(trx, {
          actor,
          action: 'alert.updated',
          target: { type: 'alert', id: alert.id },
          details: foldDetails(alert),
        });
        return publishAfterCommit(trx, { alert, created: false });
      }
      const alert = await repo.insert(trx, { ...p.row, createdAt: now, updatedAt: now });
      await repo.addEvidence(trx, alert.id, p.evidence);
      await audit.record(trx, {
        actor,
        action: 'alert.raised',
        target: { type: 'alert', id: alert.id },
        details: raisedDetails(alert, p),
      });
      return publishAfterCommit(trx, { alert, created: true });
    },

    /**
     * Raises or folds many inputs inside the caller's transaction, with the
     * same rows, counts, results and audit entries (one per input, in input
     * order) as `raise` called on each in turn — an input may fold into an
     * alert an earlier input of the same call created — but with one lookup of
     * the open alerts, multi-row inserts and one update per folded alert.
     * One clock reading stands for the whole call.
     */
    async raiseMany(trx: Trx, actor: Actor, inputs: readonly RaiseAlertInput[]): Promise<RaisedAlert[]> {
      return raiseMany({ repo, audit, now: clock.now() }, trx, actor, inputs);
    },

    /**
     * Batches committed by the ingest writer (in its thread or on this
     * connection) hand back what they raised: the ingest service publishes it
     * here once the writer reports the commit. Everything else raises with
     * `raise`, which publishes by itself.
     */
    publish,

    /** A page of alerts, newest first; `nextCursor` continues it. */
    async list(
      _actor: Actor,
      filter: Omit<AlertFilter, 'beforeId'> & { cursor?: string; limit: number },
    ): Promise<AlertPage> {
      const beforeId = filter.cursor ? Number(filter.cursor) : undefined;
      const rows = await repo.list(db, { ...filter, beforeId }, filter.limit + 1);
      const page = rows.slice(0, filter.limit);
      return {
        items: page.map(present),
        nextCursor: rows.length > filter.limit ? String(page[page.length - 1]!.id) : null,
      };
    },

    /** One alert with its evidence events, the directory facts, and how often it fired for this user before. */
    async get(_actor: Actor, id: number): Promise<AlertDetail> {
      const row = await repo.findById(db, id);
      if (!row) throw new NotFound('alert.not_found', `No alert ${id}`);
      const [ids, evidenceTotal] = await Promise.all([
        repo.evidenceOf(db, id, EVIDENCE_SHOWN),
        repo.evidenceCount(db, id),
      ]);
      const evidence = (await events.findByIds(db, ids)).map(presentEvidenceEvent);
      let history = null;
      if (row.userId) {
        const colleagues = (await deps.colleaguesOf?.(row.userId)) ?? { department: null, userIds: [] };
        history = {
          sameRuleSameUser: await repo.countEarlier(db, id, [row.userId], row.rule),
          sameUser: await repo.countEarlier(db, id, [row.userId]),
          department: colleagues.department,
          sameRuleSameDepartment: await repo.countEarlier(db, id, colleagues.userIds, row.rule),
        };
      }
      // Stored JSON: the wire type names the fields the preview reads, the rest passes as it is.
      let details: AlertDetails = {};
      try {
        details = maskTerms(JSON.parse(row.details), freeTextTerms(row)) as AlertDetails;
      } catch {
        details = {};
      }
      return { ...present(row), details, evidence, evidenceTotal, history };
    },

    /** The clear patient text of an alert (a staff report's "patients concerned", say); the reason is audited, never the text. */
    async reveal(actor: Actor, id: number, reason: string): Promise<RevealedAlertPatient> {
      return inTransaction(db, async (trx) => {
        const row = await repo.findById(trx, id);
        if (!row) throw new NotFound('alert.not_found', `No alert ${id}`);
        if (!row.patientId) throw new Invalid('alert.no_patient', `Alert ${id} names no patient`);
        await audit.record(trx, {
          actor,
          action: 'alert.revealed',
          target: { type: 'alert', id },
          details: { reason, patient: maskPatientId(row.patientId) },
        });
        return { id, patientId: row.patientId };
      });
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
