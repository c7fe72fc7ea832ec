import type { Generated } from 'kysely';
import type { AccessAction, AccessOutcome, SourceKind } from '../wire/enums.ts';

// The enumerations cross the wire: one list each, in server/wire/enums.ts.
export { ACCESS_ACTIONS, SOURCE_KINDS, type AccessAction, type SourceKind } from '../wire/enums.ts';

/** One access to the EHR (or a login) as the source reported it. Owned by the ingest module. */
export interface AccessEventsTable {
  /** Committed order: the detector reads by id. */
  id: Generated<number>;
  /** When it happened (epoch ms, UTC). */
  occurredAt: number;
  /** The time exactly as the source wrote it. */
  occurredAtText: string;
  /** When Vigie committed it. */
  receivedAt: number;
  sourceId: string;
  /** Staff id as the EHR knows it (null when unknown, e.g. a failed login for a bad name). */
  userId: string | null;
  action: AccessAction;
  outcome: AccessOutcome;
  /** As given by the source; masked in every answer. */
  patientId: string | null;
  application: string | null;
  workstation: string | null;
  address: string | null;
  department: string | null;
  /** Free context from the source, JSON text. */
  context: string | null;
}

/** A system that sends logs or alerts, with its bearer token (stored hashed). */
export interface SourcesTable {
  id: string;
  name: string;
  kind: SourceKind;
  /** SHA-256 (hex) of the 256-bit token; the token itself is shown once and never stored. */
  tokenHash: string;
  /** The token's first characters, to recognise it in a list ("vgi_3kQ9…"). */
  tokenPrefix: string;
  /** 1 = traffic accepted; 0 = refused with 403 at once. */
  enabled: number;
  /** Set when the token was revoked: it then answers 401 until a rotation issues a new one. */
  revokedAt: number | null;
  /** JSON array of addresses or CIDR ranges allowed to send syslog for this source. */
  allowedAddresses: string;
  createdAt: number;
  updatedAt: number;
  tokenIssuedAt: number;
  lastSeenAt: number | null;
  /** The last refusal, in words (never a patient identifier). */
  lastError: string | null;
  lastErrorAt: number | null;
}

/** Accepted and refused records per source and day (Europe/Paris calendar day, `YYYY-MM-DD`). */
export interface SourceDailyCountsTable {
  sourceId: string;
  day: string;
  accepted: number;
  refused: number;
  /** Records the format ignores by design (Suricata's non-alert events), neither accepted nor refused. */
  skipped: Generated<number>;
  /** Syslog UDP datagrams lost before they could be read or kept (0013). */
  dropped: Generated<number>;
}

/** A committed batch sent with an Idempotency-Key: a resend answers the same without adding anything. */
export interface IngestBatchesTable {
  sourceId: string;
  idempotencyKey: string;
  /** SHA-256 (hex) of the request body: the same key with another body is refused. */
  bodyHash: string;
  /** HTTP status and JSON body of the first answer. */
  status: number;
  response: string;
  createdAt: number;
}

/** A syslog line that is neither an access event nor a known alert, kept as received. */
export interface SystemEventsTable {
  id: Generated<number>;
  receivedAt: number;
  /** From the syslog header when it carries a zone (RFC 5424); null otherwise (RFC 3164 has none). */
  occurredAt: number | null;
  /** The header's timestamp as written. */
  occurredAtText: string | null;
  sourceId: string;
  /** The sender's address. */
  peer: string;
  facility: number | null;
  severity: number | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  /** RFC 5424 structured data as JSON text. */
  structuredData: string | null;
  message: string;
  /** The whole line, exactly as received. */
  raw: string;
  /** `rfc5424`, `rfc3164` or `unknown`. */
  format: string;
}

/**
 * SQLite only (migration 0011): a user's or a patient's events, keyed
 * (subject, at, eventId), filled behind the append up to `indexedThrough`.
 */
export interface AccessEventTimelineTable {
  /** The user id (user timeline) or the patient id (patient timeline). */
  subject: string;
  /** The event's occurredAt. */
  at: number;
  eventId: number;
}

export interface AccessEventTimelineStateTable {
  id: number;
  /** Every event with an id up to this one is in the timeline tables. */
  indexedThrough: number;
}

export interface IngestTables {
  access_events: AccessEventsTable;
  access_event_user_timeline: AccessEventTimelineTable;
  access_event_patient_timeline: AccessEventTimelineTable;
  access_event_timeline_state: AccessEventTimelineStateTable;
  sources: SourcesTable;
  source_daily_counts: SourceDailyCountsTable;
  ingest_batches: IngestBatchesTable;
  system_events: SystemEventsTable;
}
