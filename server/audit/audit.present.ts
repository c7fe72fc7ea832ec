// How an audit entry looks in the API and the exports.
import type { AuditEntryRow } from './audit.repo.ts';

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

export function parseActor(label: string): Omit<AuditActor, 'name'> {
  const m = /^(user|source|anonymous):(.+)$/.exec(label);
  if (m) return { label, kind: m[1] as 'user' | 'source' | 'anonymous', id: m[2]! };
  if (label === 'system' || label === 'cli' || label === 'anonymous') return { label, kind: label, id: null };
  return { label, kind: 'other', id: null };
}

function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function presentEntry(row: AuditEntryRow, names: ReadonlyMap<string, string>): AuditEntryView {
  const actor = parseActor(row.actor);
  return {
    seq: row.seq,
    at: row.at,
    actor: { ...actor, name: actor.kind === 'user' && actor.id ? (names.get(actor.id) ?? null) : null },
    requestId: row.requestId,
    address: row.address,
    action: row.action,
    target: row.targetType === null ? null : { type: row.targetType, id: row.targetId },
    details: parseDetails(row.details),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The user ids among the actors of these rows. */
export function userIdsOf(rows: readonly AuditEntryRow[]): string[] {
  const ids = new Set<string>();
  for (const r of rows) {
    const a = parseActor(r.actor);
    if (a.kind === 'user' && a.id) ids.add(a.id);
  }
  return [...ids];
}
