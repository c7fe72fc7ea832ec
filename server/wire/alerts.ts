// Alerts as the queue, the preview and the pushes show them (patient
// identifiers already masked, wherever they appear).
import type { AccessAction, AccessOutcome, AlertOrigin, AlertStatus, Severity } from './enums.ts';
import type { ReportDetails } from './reports.ts';

/** An alert in the list (GET /alerts) and in the pushes (`alert.raised`, `alert.updated`). */
export interface AlertItem {
  id: number;
  rule: string;
  origin: AlertOrigin;
  severity: Severity;
  status: AlertStatus;
  title: string;
  /** The title in each language (the same text twice when the raiser gave one). */
  titles?: { fr: string; en: string };
  explanation: { fr: string; en: string };
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  createdAt: number;
  updatedAt?: number;
  userId: string | null;
  patientId: string | null;
  host: string | null;
}

/** GET /alerts: newest first; `nextCursor` continues it. */
export interface AlertPage {
  items: AlertItem[];
  nextCursor: string | null;
}

/** One access event behind an alert. */
export interface EvidenceEvent {
  id: number;
  occurredAt: number;
  userId: string | null;
  action: AccessAction;
  outcome: AccessOutcome;
  /** Masked. */
  patientId: string | null;
  application: string | null;
  workstation: string | null;
  address: string | null;
  department: string | null;
  /** The source's free context (patient identifiers masked inside). */
  context: Record<string, unknown> | null;
}

/**
 * An alert's stored details, as JSON: the directory facts behind a detection,
 * the raw payload of a tool, or a staff report's words. Free-form by nature;
 * the fields below are those the preview reads.
 */
export interface AlertDetails {
  user?: {
    id: string;
    name?: string;
    department?: string | null;
    profession?: string | null;
    status?: string;
    known?: boolean;
  } | null;
  patient?: {
    id: string;
    known?: boolean;
    birthYear?: number | null;
    city?: string | null;
    vip?: boolean;
    deceasedAt?: number | null;
    staff?: { id: string; name: string; department: string | null } | null;
  } | null;
  relations?: Record<string, boolean>;
  care?: {
    window: string;
    found: { kind: 'encounter' | 'assignment' | 'break_glass'; department?: string } | null;
  } | null;
  found?: Record<string, string | number>;
  /** A staff report's own words (origin 'report'). */
  report?: ReportDetails['report'];
  [key: string]: unknown;
}

/** How often this fired before, for the user and for their department. */
export interface AlertHistory {
  sameRuleSameUser: number;
  sameUser: number;
  department: string | null;
  sameRuleSameDepartment: number;
}

/** GET /alerts/:id. */
export interface AlertDetail extends AlertItem {
  details: AlertDetails;
  evidence: EvidenceEvent[];
  /** All the evidence events; `evidence` shows the first of them. */
  evidenceTotal: number;
  history: AlertHistory | null;
}

/** POST /alerts/:id/reveal. */
export interface RevealedAlertPatient {
  id: number;
  patientId: string;
}
