// The alert store: detection, security tools and staff reports all raise
// alerts here. A repeat with the same fingerprint inside the rule's window
// folds into the open alert (count + last seen) instead of a new one.
import type { Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { maskPatientId } from '../privacy.ts';
import type { AlertPush, Room } from '../realtime/events.ts';
import type { Realtime } from '../realtime/realtime.ts';
import type { Trx } from '../store/db.ts';
import type { AlertRow, AlertsRepo } from './alerts.repo.ts';
import type { AlertOrigin, Severity } from './alerts.tables.ts';

export interface RaiseAlertInput {
  origin: AlertOrigin;
  rule: string;
  severity: Severity;
  title: string;
  explanation: { fr: string; en: string };
  /** Same fingerprint within `windowMs` of the last sighting = the same alert. */
  fingerprint: string;
  windowMs: number;
  /** When the offending event happened. */
  seenAt: number;
  userId?: string | null;
  patientId?: string | null;
  host?: string | null;
  sourceId?: string | null;
  /** Directory facts or the tool's raw payload; stored as JSON. */
  details?: Record<string, unknown>;
  /** Access-event ids behind the alert. */
  evidence?: readonly number[];
}

export interface RaisedAlert {
  alert: AlertRow;
  /** false when the input folded into an open alert. */
  created: boolean;
}

/** Where alert pushes go: the analysts (and approvers, who watch dashboards). */
export const ALERT_ROOMS: Room[] = ['role:analyst', 'role:approver'];

export function presentAlertPush(row: AlertRow): AlertPush {
  return {
    id: row.id,
    rule: row.rule,
    origin: row.origin,
    severity: row.severity,
    status: row.status,
    title: row.title,
    explanation: { fr: row.explanationFr, en: row.explanationEn },
    count: row.count,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    userId: row.userId,
    patientId: maskPatientId(row.patientId),
    host: row.host,
  };
}

export function createAlertsService(deps: { repo: AlertsRepo; audit: AuditService; clock: Clock; realtime: Realtime }) {
  const { repo, audit, clock, realtime } = deps;
  return {
    /** Raises or folds an alert inside the caller's transaction; call `publish` after the commit. */
    async raise(trx: Trx, actor: Actor, input: RaiseAlertInput): Promise<RaisedAlert> {
      // Serialise with other writers so two repeats never both create an alert.
      await audit.lock(trx);
      const now = clock.now();
      const target = await repo.findFoldTarget(trx, input.fingerprint, input.seenAt - input.windowMs);
      if (target) {
        const alert = await repo.fold(trx, target.id, 1, Math.max(target.lastSeenAt, input.seenAt), now);
        await repo.addEvidence(trx, alert.id, input.evidence ?? []);
        await audit.record(trx, { actor, action: 'alert.updated', target: { type: 'alert', id: alert.id }, details: { change: 'fold', rule: alert.rule, count: alert.count } });
        return { alert, created: false };
      }
      const alert = await repo.insert(trx, {
        origin: input.origin,
        rule: input.rule,
        severity: input.severity,
        status: 'new',
        title: input.title,
        explanationFr: input.explanation.fr,
        explanationEn: input.explanation.en,
        fingerprint: input.fingerprint,
        count: 1,
        firstSeenAt: input.seenAt,
        lastSeenAt: input.seenAt,
        createdAt: now,
        updatedAt: now,
        userId: input.userId ?? null,
        patientId: input.patientId ?? null,
        host: input.host ?? null,
        sourceId: input.sourceId ?? null,
        details: JSON.stringify(input.details ?? {}),
      });
      await repo.addEvidence(trx, alert.id, input.evidence ?? []);
      await audit.record(trx, {
        actor,
        action: 'alert.raised',
        target: { type: 'alert', id: alert.id },
        details: { rule: alert.rule, origin: alert.origin, severity: alert.severity, evidence: (input.evidence ?? []).length },
      });
      return { alert, created: true };
    },

    /** After the commit: tells the live queues. */
    publish(results: readonly RaisedAlert[]): void {
      for (const r of results) realtime.publish(r.created ? 'alert.raised' : 'alert.updated', presentAlertPush(r.alert), ALERT_ROOMS);
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
