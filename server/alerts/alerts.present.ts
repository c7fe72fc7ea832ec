// What an answer or a push shows of an alert and of its evidence: patient
// identifiers masked, wherever they appear.
import type { AccessEventRow } from '../ingest/access-events.repo.ts';
import { maskPatientId } from '../privacy.ts';
import type { AlertPush } from '../realtime/events.ts';
import type { AlertRow } from './alerts.repo.ts';
import { maskTerms, patientTerms } from './report.text.ts';

/**
 * What to mask in an alert's free text besides the patient column: a staff
 * report's "patients concerned" may be repeated in the reporter's own words.
 * Other origins mask their identifiers when they write the explanation.
 */
export function freeTextTerms(row: Pick<AlertRow, 'origin' | 'patientId'>): string[] {
  return row.origin === 'report' ? patientTerms(row.patientId) : [];
}

export function presentAlert(row: AlertRow): AlertPush {
  const terms = freeTextTerms(row);
  const explanation = { fr: row.explanationFr, en: row.explanationEn };
  return {
    id: row.id,
    rule: row.rule,
    origin: row.origin,
    severity: row.severity,
    status: row.status,
    title: row.title,
    titles: { fr: row.title, en: row.titleEn ?? row.title },
    explanation: terms.length ? (maskTerms(explanation, terms) as typeof explanation) : explanation,
    count: row.count,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    userId: row.userId,
    patientId: maskPatientId(row.patientId),
    host: row.host,
  };
}

/** Replaces the patient id wherever it appears in free context (a source may repeat it). */
function scrub(value: unknown, patientId: string | null): unknown {
  if (!patientId) return value;
  if (typeof value === 'string') return value.split(patientId).join(maskPatientId(patientId));
  if (Array.isArray(value)) return value.map((v) => scrub(v, patientId));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, patientId)]));
  return value;
}

export function presentEvidenceEvent(e: AccessEventRow) {
  let context: unknown = null;
  if (e.context) {
    try {
      context = scrub(JSON.parse(e.context), e.patientId);
    } catch {
      context = null;
    }
  }
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    userId: e.userId,
    action: e.action,
    outcome: e.outcome,
    patientId: maskPatientId(e.patientId),
    application: e.application,
    workstation: e.workstation,
    address: e.address,
    department: e.department,
    context,
  };
}
