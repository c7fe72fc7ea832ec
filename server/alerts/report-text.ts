// A staff report as an alert: its categories (close to how hospitals name
// what happens to them), the plain title and explanation analysts read, and
// the masking of the "patients concerned" text wherever it shows up.
import { maskIdentifiersIn } from '../privacy.ts';
import type { ReportCategory } from '../wire/enums.ts';
import { EXPLANATION_KEYS, type Explanation, type ReportFacts } from './explanations.ts';

export { REPORT_CATEGORIES, type ReportCategory } from '../wire/enums.ts';

/** The rule every staff report carries in the alert store. */
export const REPORT_RULE = 'staff-report';

const TITLES: Record<ReportCategory | 'none', { fr: string; en: string }> = {
  illegitimate_access: {
    fr: 'Signalement : accès illégitime à un dossier',
    en: 'Staff report: illegitimate record access',
  },
  lost_device: { fr: 'Signalement : appareil perdu ou volé', en: 'Staff report: lost or stolen device' },
  phishing: { fr: 'Signalement : hameçonnage ou compte compromis', en: 'Staff report: phishing or account compromise' },
  misdirected_data: {
    fr: 'Signalement : données envoyées au mauvais destinataire',
    en: 'Staff report: data sent to the wrong recipient',
  },
  malware: { fr: 'Signalement : rançongiciel ou logiciel malveillant', en: 'Staff report: ransomware or malware' },
  other: { fr: 'Signalement du personnel', en: 'Staff report' },
  none: { fr: 'Signalement du personnel', en: 'Staff report' },
};

export function reportTitle(category: ReportCategory | null): { fr: string; en: string } {
  return TITLES[category ?? 'none'];
}

/** "Signalement de Marie Curie : J'ai perdu ma tablette." — the reporter's own summary, named (rendered by explanations.ts). */
export function reportExplanation(reporter: string, summary: string, urgent: boolean): Explanation {
  const params: ReportFacts = { reporter, summary, urgent };
  return { key: EXPLANATION_KEYS.report, params: { ...params } };
}

/**
 * The pieces of a "patients concerned" text to mask wherever the reporter
 * repeated them (summary, description): the whole text and each item of a
 * list ("Mme Durand, chambre 12; M. Petit"). Very short items are left alone:
 * masking every "lit" of a description would hide the report, not the patient.
 */
export function patientTerms(text: string | null): string[] {
  if (!text) return [];
  const items = text
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 4);
  // Longest first, so "Mme Durand" is masked before a shorter item inside it.
  return [...new Set([text.trim(), ...items])].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** Masks every term, whatever its case, wherever it appears in the value (strings, keys, numbers, arrays, objects). */
export function maskTerms(value: unknown, terms: readonly string[]): unknown {
  return maskIdentifiersIn(value, terms);
}
