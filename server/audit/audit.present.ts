// How an audit entry looks in the API and the exports.
import type { AuditActor, AuditEntryView } from '../wire/audit.ts';
import type { AuditEntryRow } from './audit.repo.ts';

export type { AuditActor, AuditEntryView } from '../wire/audit.ts';

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
