import { actorLabel, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { lockInTransaction, type Dialect, type Executor, type Trx } from '../store/db.ts';
import type { AuditEntryRow, AuditRepo } from './audit.repo.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from './hash-chain.ts';

export interface AuditRecordInput {
  actor: Actor;
  /** Dotted, the same as the realtime event name. */
  action: string;
  target?: { type: string; id: string | number };
  /** Never a secret, a code, a token or a clear patient identifier. */
  details?: Record<string, unknown>;
}

const AUDIT_LOCK = 'vigie:audit-chain';

export function createAuditService({ repo, clock, dialect }: { repo: AuditRepo; clock: Clock; dialect: Dialect }) {
  // Transactions that already hold the chain's lock: taking it again is a round trip for nothing.
  const locked = new WeakSet<Trx>();
  async function lock(trx: Trx): Promise<void> {
    if (dialect === 'sqlite' || locked.has(trx)) return;
    await lockInTransaction(trx, dialect, AUDIT_LOCK);
    if (trx.isTransaction) locked.add(trx);
  }

  function entry(input: AuditRecordInput, head: { seq: number; hash: string } | undefined): AuditEntryRow {
    const requestId = 'requestId' in input.actor ? (input.actor.requestId ?? null) : null;
    const address = 'address' in input.actor ? (input.actor.address ?? null) : null;
    const fields = {
      seq: (head?.seq ?? 0) + 1,
      at: clock.now(),
      actor: actorLabel(input.actor),
      requestId,
      address,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target === undefined ? null : String(input.target.id),
      details: canonicalJson(input.details ?? {}),
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    return { ...fields, hash: entryHash(fields) };
  }

  return {
    /**
     * Appends one entry inside the caller's transaction. Appends are serialised
     * (advisory lock on PostgreSQL, the write lock on SQLite) so the chain never forks.
     */
    async record(trx: Trx, input: AuditRecordInput): Promise<AuditEntryRow> {
      await lock(trx);
      const row = entry(input, await repo.head(trx));
      await repo.insert(trx, row);
      return row;
    },

    /**
     * Appends several entries, in this order, as `record` would one by one
     * (same chain): the head is read once and the rows go in by a few
     * multi-row inserts.
     */
    async recordMany(trx: Trx, inputs: readonly AuditRecordInput[]): Promise<AuditEntryRow[]> {
      if (!inputs.length) return [];
      await lock(trx);
      let head: { seq: number; hash: string } | undefined = await repo.head(trx);
      const rows = inputs.map((input) => {
        const row = entry(input, head);
        head = row;
        return row;
      });
      await repo.insertMany(trx, rows);
      return rows;
    },

    /**
     * Takes the chain's lock early, for writers whose own rows must be ordered
     * the same way as their audit entries (the event log, read by the detector).
     */
    lock,

    /**
     * When this actor recorded this action since `since`, oldest first, at most
     * `limit` times: a limit counted on the trail itself holds across instances.
     * Call it after `lock` in the transaction that records the next one.
     */
    async timesSince(
      db: Executor,
      input: { actor: Actor; action: string; since: number; limit: number },
    ): Promise<number[]> {
      const rows = await repo.page(
        db,
        { actor: actorLabel(input.actor), action: input.action, from: input.since },
        { limit: input.limit, order: 'asc' },
      );
      return rows.map((r) => r.at);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
