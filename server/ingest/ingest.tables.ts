import type { Generated } from 'kysely';

export const ACCESS_ACTIONS = ['login', 'logout', 'login_failed', 'read', 'create', 'update', 'delete', 'print', 'export', 'break_glass'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

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
  outcome: 'success' | 'failure';
  /** As given by the source; masked in every answer. */
  patientId: string | null;
  application: string | null;
  workstation: string | null;
  address: string | null;
  department: string | null;
  /** Free context from the source, JSON text. */
  context: string | null;
}

export interface IngestTables {
  access_events: AccessEventsTable;
}
