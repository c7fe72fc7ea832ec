// What raising an alert takes and gives, shared by the service, the batched
// path (raise-many.ts) and the masking (alert-masking.ts) without a cycle.
import type { AlertRow } from './alerts.repo.ts';
import type { AlertOrigin, Severity } from './alerts.tables.ts';
import type { Explanation } from './explanations.ts';

export interface RaiseAlertInput {
  origin: AlertOrigin;
  rule: string;
  severity: Severity;
  /** A plain title, or the French and English ones. */
  title: string | { fr: string; en: string };
  /** A message key and its params: rendered when read, never stored as a sentence. */
  explanation: Explanation;
  /** Same fingerprint within `windowMs` of the last sighting = the same alert. */
  fingerprint: string;
  windowMs: number;
  /** When the offending event happened (the earliest, for several). */
  seenAt: number;
  /** The latest offending event, when several are raised at once (default `seenAt`). */
  lastSeenAt?: number;
  /** How many occurrences this raise stands for (default 1): added to the count. */
  occurrences?: number;
  userId?: string | null;
  patientId?: string | null;
  host?: string | null;
  sourceId?: string | null;
  /** Directory facts or the tool's raw payload; stored as JSON, the patient masked (alert-masking.ts). */
  details?: Record<string, unknown>;
  /** Access-event ids behind the alert. */
  evidence?: readonly number[];
  /** The Vigie user who filed a staff report. */
  reportedBy?: string | null;
}

export interface RaisedAlert {
  alert: AlertRow;
  /** false when the input folded into an open alert. */
  created: boolean;
}
