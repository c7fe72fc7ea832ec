import { actorLabel, type Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { lockInTransaction, type Dialect, type Executor, type Trx } from '../store/db.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from './audit.chain.ts';
import type { AuditEntryRow, AuditRepo } from './audit.repo.ts';

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
  return {
    /**
     * Appends one entry inside the caller's transaction. Appends are serialised
     * (advisory lock on PostgreSQL, the write lock on SQLite) so the chain never forks.
     */
    async record(trx: Trx, input: AuditRecordInput): Promise<AuditEntryRow> {
      await lockInTransaction(trx, dialect, AUDIT_LOCK);
      const head = await repo.head(trx);
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
      const row: AuditEntryRow = { ...fields, hash: entryHash(fields) };
      await repo.insert(trx, row);
      return row;
    },

    /**
     * Takes the chain's lock early, for writers whose own rows must be ordered
     * the same way as their audit entries (the event log, read by the detector).
     */
    async lock(trx: Trx): Promise<void> {
      await lockInTransaction(trx, dialect, AUDIT_LOCK);
    },

    /**
     * When this actor recorded this action since `since`, oldest first, at most
     * `limit` times: a limit counted on the trail itself holds across instances.
     * Call it after `lock` in the transaction that records the next one.
     */
    async timesSince(db: Executor, input: { actor: Actor; action: string; since: number; limit: number }): Promise<number[]> {
      const rows = await repo.page(db, { actor: actorLabel(input.actor), action: input.action, from: input.since }, { limit: input.limit, order: 'asc' });
      return rows.map((r) => r.at);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
