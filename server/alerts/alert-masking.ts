// An alert's text is stored with its patient(s) masked, whatever raised it:
// detection, a security tool (generic, Wazuh, Suricata, syslog) or a staff
// report. A tool's description or raw payload, a reporter's words, may name the
// patient in any case; only the patient column keeps the clear value, and only
// the audited reveal (POST /alerts/:id/reveal) answers it. The explanation is
// stored as a key and params: its params are masked here, and the sentence
// rendered from them is masked again when read (alerts.present.ts).
import { maskIdentifiersIn } from '../privacy.ts';
import type { RaiseAlertInput } from './alert-inputs.ts';
import type { AlertRow } from './alerts.repo.ts';
import type { ExplanationText } from './explanations.ts';
import { patientTerms } from './report-text.ts';

/**
 * What to mask in an alert's free text: the patient column's text, and each
 * item of it when it is a list ("Mme Durand, chambre 12; M. Petit" in a report).
 */
export function alertPatientTerms(patientId: string | null | undefined): string[] {
  return patientTerms(patientId ?? null);
}

/** The input with its title, explanation params, host and details masked; call it on every raise path before storing. */
export function maskAlertText<
  T extends Pick<RaiseAlertInput, 'title' | 'explanation' | 'patientId' | 'host' | 'details'>,
>(input: T): T {
  const terms = alertPatientTerms(input.patientId);
  if (!terms.length) return input;
  const mask = <V>(value: V): V => maskIdentifiersIn(value, terms) as V;
  return {
    ...input,
    title: mask(input.title),
    // The params only: the key names a message, never a patient.
    explanation: { key: input.explanation.key, params: mask(input.explanation.params) },
    ...(input.host == null ? {} : { host: mask(input.host) }),
    ...(input.details === undefined ? {} : { details: mask(input.details) }),
  };
}

/** The same masking over a stored row's text, for rows stored before text was masked at raise. */
export function maskAlertRow(row: AlertRow): AlertRow {
  const terms = alertPatientTerms(row.patientId);
  if (!terms.length) return row;
  const mask = (text: string) => maskIdentifiersIn(text, terms) as string;
  return {
    ...row,
    title: mask(row.title),
    titleEn: row.titleEn === null ? null : mask(row.titleEn),
    host: row.host === null ? null : mask(row.host),
  };
}

/** A rendered explanation with the row's patient(s) masked: a legacy row's text may name them in clear. */
export function maskExplanationText(text: ExplanationText, patientId: string | null): ExplanationText {
  const terms = alertPatientTerms(patientId);
  if (!terms.length) return text;
  return { fr: maskIdentifiersIn(text.fr, terms) as string, en: maskIdentifiersIn(text.en, terms) as string };
}
