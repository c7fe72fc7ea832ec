// Pure functions of the hash chain: canonical JSON and the entry hash.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth; undefined members dropped. Stable across dialects and runs. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The fields an entry's hash covers: all of them but the hash itself. */
export interface HashedFields {
  seq: number;
  at: number;
  actor: string;
  requestId: string | null;
  address: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Canonical JSON text, as stored. */
  details: string;
  prevHash: string;
}

export function entryHash(e: HashedFields): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    requestId: e.requestId,
    address: e.address,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    details: e.details,
  });
  return createHash('sha256').update(e.prevHash).update(body).digest('hex');
}
