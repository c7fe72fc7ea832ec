// What raising an alert stores, shared by `raise` (one input) and
// `raiseMany` (a tool's batch): the same preparation of each input, then, for
// a batch, the fold-or-create decisions taken in memory in input order over
// one lookup of the open alerts, and the writes grouped.
import type { Actor } from '../actor.ts';
import type { AuditRecordInput, AuditService } from '../audit/audit.service.ts';
import type { Trx } from '../store/db.ts';
import type { RaisedAlert, RaiseAlertInput } from './alert-inputs.ts';
import { maskAlertText } from './alert-masking.ts';
import type { AlertRow, AlertsRepo, NewAlertRow } from './alerts.repo.ts';

export interface PreparedAlert {
  /** The row to insert when the input creates an alert (its times are the raise's). */
  row: Omit<NewAlertRow, 'createdAt' | 'updatedAt'>;
  /** The oldest last sighting an open alert may have for this input to fold into it. */
  since: number;
  evidence: readonly number[];
}

/**
 * The one place an input becomes an alert row, whichever path raises it:
 * whatever must hold of every stored alert (defaults, normalisation, masking)
 * is done here, so that `raise` and `raiseMany` cannot differ.
 */
export function prepareAlert(raw: RaiseAlertInput): PreparedAlert {
  // Stored and pushed with the patient masked in every text; the clear value stays in the patient column only.
  const input = maskAlertText(raw);
  const title = typeof input.title === 'string' ? { fr: input.title, en: null } : input.title;
  return {
    row: {
      origin: input.origin,
      rule: input.rule,
      severity: input.severity,
      status: 'new',
      title: title.fr,
      titleEn: title.en,
      explanation: JSON.stringify(input.explanation),
      fingerprint: input.fingerprint,
      count: Math.max(1, input.occurrences ?? 1),
      firstSeenAt: input.seenAt,
      lastSeenAt: Math.max(input.seenAt, input.lastSeenAt ?? input.seenAt),
      userId: input.userId ?? null,
      patientId: input.patientId ?? null,
      host: input.host ?? null,
      sourceId: input.sourceId ?? null,
      details: JSON.stringify(input.details ?? {}),
      reportedBy: input.reportedBy ?? null,
    },
    since: input.seenAt - input.windowMs,
    evidence: input.evidence ?? [],
  };
}

export const foldDetails = (alert: AlertRow) => ({ change: 'fold', rule: alert.rule, count: alert.count });
export const raisedDetails = (alert: AlertRow, p: PreparedAlert) => ({
  rule: alert.rule,
  origin: alert.origin,
  severity: alert.severity,
  evidence: p.evidence.length,
});

/** An alert as the batch changes it: one already stored, or one this batch creates. */
interface Target {
  row: AlertRow;
  stored: boolean;
  /** Occurrences folded into a stored alert by this batch. */
  added: number;
}

interface Step {
  target: Target;
  created: boolean;
  prepared: PreparedAlert;
  /** The alert's state right after this input, as `raise` would have returned it. */
  count: number;
  lastSeenAt: number;
  firstSeenAt: number;
}

export async function raiseMany(
  deps: { repo: AlertsRepo; audit: AuditService; now: number },
  trx: Trx,
  actor: Actor,
  inputs: readonly RaiseAlertInput[],
): Promise<RaisedAlert[]> {
  const { repo, audit, now } = deps;
  if (!inputs.length) return [];
  // Serialise with other writers, as `raise` does: the open alerts read below stay the truth until the commit.
  await audit.lock(trx);
  const prepared = inputs.map(prepareAlert);
  const since = new Map<string, number>();
  for (const p of prepared) since.set(p.row.fingerprint, Math.min(p.since, since.get(p.row.fingerprint) ?? Infinity));
  // Per fingerprint, the open alert seen last: the only one `findFoldTarget` can pick (its last
  // sighting only grows with folds, and an alert this batch creates is seen later than it).
  const latest = new Map<string, Target>();
  for (const row of await repo.latestOpen(trx, since))
    latest.set(row.fingerprint, { row: { ...row }, stored: true, added: 0 });

  const steps: Step[] = [];
  for (const p of prepared) {
    const target = latest.get(p.row.fingerprint);
    if (target && target.row.lastSeenAt >= p.since) {
      target.row.count += p.row.count;
      target.row.lastSeenAt = Math.max(target.row.lastSeenAt, p.row.lastSeenAt);
      // Sightings are not in time order (eve.json): a repeat may be older than the first one.
      target.row.firstSeenAt = Math.min(target.row.firstSeenAt, p.row.firstSeenAt);
      target.row.updatedAt = now;
      target.added += p.row.count;
      steps.push({
        target,
        created: false,
        prepared: p,
        count: target.row.count,
        lastSeenAt: target.row.lastSeenAt,
        firstSeenAt: target.row.firstSeenAt,
      });
    } else {
      const created: Target = { row: { ...p.row, id: 0, createdAt: now, updatedAt: now }, stored: false, added: 0 };
      latest.set(p.row.fingerprint, created);
      steps.push({
        target: created,
        created: true,
        prepared: p,
        count: p.row.count,
        lastSeenAt: p.row.lastSeenAt,
        firstSeenAt: p.row.firstSeenAt,
      });
    }
  }

  // New alerts go in with their state at the end of the batch, in input order (so ids follow it).
  const fresh = [...new Set(steps.filter((s) => s.created).map((s) => s.target))];
  const ids = await repo.insertMany(
    trx,
    fresh.map((t) => {
      const { id: _id, ...row } = t.row;
      return row;
    }),
  );
  fresh.forEach((t, i) => (t.row.id = ids[i]!));
  for (const t of new Set(steps.map((s) => s.target)))
    if (t.stored && t.added) await repo.fold(trx, t.row.id, t.added, t.row.lastSeenAt, now, t.row.firstSeenAt);
  await repo.addEvidenceMany(
    trx,
    steps.flatMap((s) => s.prepared.evidence.map((eventId) => ({ alertId: s.target.row.id, eventId }))),
  );

  const results = steps.map((s): RaisedAlert => ({
    alert: { ...s.target.row, count: s.count, lastSeenAt: s.lastSeenAt, firstSeenAt: s.firstSeenAt },
    created: s.created,
  }));
  await audit.recordMany(
    trx,
    results.map(({ alert, created }, i): AuditRecordInput =>
      created
        ? {
            actor,
            action: 'alert.raised',
            target: { type: 'alert', id: alert.id },
            details: raisedDetails(alert, steps[i]!.prepared),
          }
        : { actor, action: 'alert.updated', target: { type: 'alert', id: alert.id }, details: foldDetails(alert) },
    ),
  );
  return results;
}
