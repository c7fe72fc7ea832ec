import type { Generated } from 'kysely';

export interface AuditEntriesTable {
  /** Sequence number: 1, 2, 3… without gaps. */
  seq: number;
  at: number;
  /** `user:<id>`, `system`, `source:<id>` or `cli`. */
  actor: string;
  requestId: string | null;
  address: string | null;
  /** Dotted, the same as the realtime event name: `user.login`, `incident.update`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Canonical JSON text. */
  details: string;
  prevHash: string;
  hash: string;
}

export interface AuditTables {
  audit_entries: AuditEntriesTable;
}

// Generated is re-exported for modules that declare auto-increment ids.
export type { Generated };
