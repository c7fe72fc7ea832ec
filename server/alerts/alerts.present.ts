// What an answer or a push shows of an alert and of its evidence: patient
// identifiers masked, wherever they appear. The explanation is rendered here,
// at read time, in French and English from the stored key and params.
import type { AccessEventRow } from '../ingest/access-events.repo.ts';
import { maskIdentifiersIn, maskPatientId } from '../privacy.ts';
import type { AlertItem, EvidenceEvent } from '../wire/alerts.ts';
import { alertPatientTerms, maskAlertRow, maskExplanationText } from './alert-masking.ts';
import type { AlertRow } from './alerts.repo.ts';
import { parseExplanation, renderExplanation, type ExplanationRenderer } from './explanations.ts';

/**
 * What to mask in an alert's free text besides the patient column: every origin
 * may repeat its patient(s) there. The text is stored masked (alert-masking.ts);
 * masking again on the way out also covers alerts stored before it was.
 */
export function freeTextTerms(row: Pick<AlertRow, 'patientId'>): string[] {
  return alertPatientTerms(row.patientId);
}

/** `explain` renders the keys of other modules (detection rules' current templates). */
export function presentAlert(stored: AlertRow, explain?: ExplanationRenderer): AlertItem {
  const row = maskAlertRow(stored);
  return {
    id: row.id,
    rule: row.rule,
    origin: row.origin,
    severity: row.severity,
    status: row.status,
    title: row.title,
    titles: { fr: row.title, en: row.titleEn ?? row.title },
    explanation: maskExplanationText(renderExplanation(parseExplanation(row.explanation), explain), row.patientId),
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

export function presentEvidenceEvent(e: AccessEventRow): EvidenceEvent {
  let context: EvidenceEvent['context'] = null;
  if (e.context) {
    try {
      // A source may repeat the patient id in its free context, in any case.
      // Ingest keeps a context only when it is a JSON object (access-event-validation.ts).
      context = maskIdentifiersIn(JSON.parse(e.context), [e.patientId]) as Record<string, unknown>;
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
