import type { Generated } from 'kysely';
import type { AlertOrigin, AlertStatus, Severity } from '../wire/enums.ts';

// The enumerations cross the wire: one list each, in server/wire/enums.ts.
export {
  ALERT_ORIGINS,
  ALERT_STATUSES,
  SEVERITIES,
  type AlertOrigin,
  type AlertStatus,
  type Severity,
} from '../wire/enums.ts';

export interface AlertsTable {
  id: Generated<number>;
  origin: AlertOrigin;
  /** Detection rule id, or the tool's rule/signature (`wazuh:5710`, `suricata:1:2019236`). */
  rule: string;
  severity: Severity;
  status: AlertStatus;
  title: string;
  /** English title when the raiser gave one (detection rules do); `title` otherwise. */
  titleEn: string | null;
  /**
   * JSON text: the explanation's message key and language-neutral params
   * (explanations.ts), rendered in the reader's language when read.
   */
  explanation: string;
  /** Repeats with the same fingerprint inside the rule's window fold into this alert. */
  fingerprint: string;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  createdAt: number;
  updatedAt: number;
  /** Staff id as the EHR knows it. */
  userId: string | null;
  /** Masked in every answer. */
  patientId: string | null;
  host: string | null;
  sourceId: string | null;
  /** JSON text: directory facts behind a detection, the raw payload of a tool, or a staff report's words. */
  details: string;
  /** The Vigie user who filed a staff report (origin 'report'); null for every other origin. */
  reportedBy: string | null;
}

export interface AlertEvidenceTable {
  alertId: number;
  eventId: number;
}

export interface AlertsTables {
  alerts: AlertsTable;
  alert_evidence: AlertEvidenceTable;
}
