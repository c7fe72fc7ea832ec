// The audit trail as GET /audit and the exports show it.

export interface AuditActor {
  /** As stored: `user:<id>`, `source:<id>`, `system`, `cli`, `anonymous[:<subject>]`. */
  label: string;
  kind: 'user' | 'source' | 'system' | 'cli' | 'anonymous' | 'other';
  id: string | null;
  /** The user's display name, when the actor is a known user. */
  name: string | null;
}

export interface AuditEntryView {
  seq: number;
  at: number;
  actor: AuditActor;
  requestId: string | null;
  address: string | null;
  action: string;
  target: { type: string; id: string | null } | null;
  /** The details object; the stored text when it no longer parses (a tampered row). */
  details: unknown;
  prevHash: string;
  hash: string;
}
