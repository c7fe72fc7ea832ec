// Pure functions of the hash chain: canonical JSON and the entry hash.
import { createHash, hash } from 'node:crypto';

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

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
const num = (v: number) => {
  if (!Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
  return JSON.stringify(v);
};

/**
 * SHA-256(prevHash ‖ canonical JSON of the other fields). The JSON is written
 * with the keys already in canonical (sorted) order — the same bytes as
 * canonicalJson gives, twice as fast, which is what verification of millions
 * of entries spends its time on.
 */
export function entryHash(e: HashedFields): string {
  const body =
    `{"action":${str(e.action)},"actor":${str(e.actor)},"address":${str(e.address)},"at":${num(e.at)},"details":${str(e.details)},` +
    `"requestId":${str(e.requestId)},"seq":${num(e.seq)},"targetId":${str(e.targetId)},"targetType":${str(e.targetType)}}`;
  return hash('sha256', e.prevHash + body, 'hex');
}

/** The reference form of entryHash, through canonicalJson: the tests hold the two equal. */
export function entryHashReference(e: HashedFields): string {
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
