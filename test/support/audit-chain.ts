// A realistic, valid audit chain written in bulk (bypassing record(), for
// speed): verification benchmarks and the query-plan checks over many rows.
import type { AuditEntryRow } from '../../server/audit/audit.repo.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from '../../server/audit/hash-chain.ts';
import type { Store } from '../../server/store/db.ts';

const MIX: [share: number, action: string, targetType: string | null][] = [
  [40, 'alert.raised', 'alert'],
  [20, 'alert.updated', 'alert'],
  [14, 'user.login', 'session'],
  [10, 'user.logout', 'session'],
  [5, 'incident.update', 'incident'],
  [3, 'patient.reveal', 'access_event'],
  [3, 'task.update', 'task'],
  [2, 'session.revoke', 'session'],
  [2, 'source.update', 'source'],
  [1, 'rule.update', 'rule'],
];

/** The n-th entry of a deterministic mix of actors, actions and targets (n from 1). */
export function syntheticEntry(n: number, at: number, prevHash: string): AuditEntryRow {
  let pick = (n * 7919) % 100;
  let chosen = MIX[0]!;
  for (const m of MIX) {
    if (pick < m[0]) {
      chosen = m;
      break;
    }
    pick -= m[0];
  }
  const [, action, targetType] = chosen;
  const system = action.startsWith('alert.raised');
  const fields = {
    seq: n,
    at,
    actor: system ? 'system' : `user:u${(n * 31) % 200}`,
    requestId: system ? null : `req-${n}`,
    address: system ? null : `10.0.${(n >> 8) & 255}.${n & 255}`,
    action,
    targetType,
    targetId: targetType ? String((n * 13) % 50_000) : null,
    details: canonicalJson({ n, rule: system ? 'bulk-access' : undefined }),
    prevHash,
  };
  return { ...fields, hash: entryHash(fields) };
}

/** Appends `count` valid entries after the current head, one every `stepMs`. */
export async function fillChain(
  store: Store,
  count: number,
  options: { start?: number; stepMs?: number; batch?: number } = {},
): Promise<void> {
  const head = await store.db
    .selectFrom('audit_entries')
    .select(['seq', 'hash', 'at'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  let at = head?.at ?? options.start ?? Date.UTC(2026, 0, 1);
  const step = options.stepMs ?? 30_000;
  const batch = options.batch ?? 1000;
  let remaining = count;
  while (remaining > 0) {
    const rows: AuditEntryRow[] = [];
    for (let i = 0; i < Math.min(batch, remaining); i++) {
      seq += 1;
      at += step;
      const row = syntheticEntry(seq, at, prev);
      prev = row.hash;
      rows.push(row);
    }
    remaining -= rows.length;
    if (store.sqlite) {
      const insert = store.sqlite.prepare(
        'insert into audit_entries (seq, at, actor, requestId, address, action, targetType, targetId, details, prevHash, hash) values (@seq, @at, @actor, @requestId, @address, @action, @targetType, @targetId, @details, @prevHash, @hash)',
      );
      store.sqlite.transaction(() => {
        for (const r of rows) insert.run(r);
      })();
    } else {
      // 11 parameters a row: stay under PostgreSQL's 65,535.
      for (let i = 0; i < rows.length; i += 5000)
        await store.db
          .insertInto('audit_entries')
          .values(rows.slice(i, i + 5000))
          .execute();
    }
  }
}
