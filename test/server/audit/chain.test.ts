import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, GENESIS_HASH } from '../../../server/audit/hash-chain.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });
});

describe('entry hash', () => {
  const base = {
    seq: 1,
    at: 1,
    actor: 'system',
    requestId: null,
    address: null,
    action: 'x.y',
    targetType: null,
    targetId: null,
    details: '{}',
    prevHash: GENESIS_HASH,
  };
  it('is a SHA-256 in hex that changes with any field', () => {
    const h = entryHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    for (const [k, v] of Object.entries({
      seq: 2,
      at: 2,
      actor: 'cli',
      requestId: 'r',
      address: '::1',
      action: 'x.z',
      targetType: 't',
      targetId: '1',
      details: '{"a":1}',
      prevHash: '1'.repeat(64),
    })) {
      expect(entryHash({ ...base, [k]: v }), k).not.toBe(h);
    }
  });
});
