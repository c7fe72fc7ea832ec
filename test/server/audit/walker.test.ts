// The pure chain walker: every kind of tampering is found and located, whatever
// the batch size the entries arrive in.
import { describe, expect, it } from 'vitest';
import type { AuditEntryRow } from '../../../server/audit/audit.repo.ts';
import { ChainWalker, type Seal, type WalkOutcome } from '../../../server/audit/chain-walker.ts';
import { entryHash, entryHashReference, GENESIS_HASH } from '../../../server/audit/hash-chain.ts';
import { syntheticEntry } from '../../support/audit-chain.ts';

function chain(n: number): AuditEntryRow[] {
  const rows: AuditEntryRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const row = syntheticEntry(i, Date.UTC(2026, 10, 28) + i * 1000, prev);
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

/** Walks rows as the database would return them (ordered by seq), in batches. */
function walk(rows: AuditEntryRow[], seals: Seal[] = [], batch = 7): WalkOutcome {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const w = new ChainWalker(seals);
  for (let i = 0; i < sorted.length && w.wantsMore; i += batch) w.push(sorted.slice(i, i + batch));
  return w.finish();
}

/** The same answer for every batch size, returned once. */
function walkAll(rows: AuditEntryRow[], seals: Seal[] = []): WalkOutcome {
  const answers = [1, 2, 7, 1000].map((b) => walk(rows, seals, b));
  for (const a of answers) expect(a).toEqual(answers[0]);
  return answers[0]!;
}

const sealOf = (row: { seq: number; hash: string }, at = 1): Seal => ({ seq: row.seq, hash: row.hash, at });
const rehash = (row: AuditEntryRow): AuditEntryRow => ({ ...row, hash: entryHash(row) });

describe('entry hash', () => {
  it('the fast form gives the same bytes as the canonical-JSON reference', () => {
    const rows = chain(50);
    rows.push({
      ...rows[0]!,
      actor: 'user:"é\\\n\u2028',
      details: '{"a":"\\u0000"}',
      address: null,
      requestId: 'x'.repeat(300),
    });
    for (const r of rows) expect(entryHash(r)).toBe(entryHashReference(r));
  });
});

describe('ChainWalker', () => {
  const N = 20;

  it('an untouched chain is intact, with its count and head', () => {
    const rows = chain(N);
    expect(walkAll(rows, [sealOf(rows[9]!), sealOf(rows[19]!), { seq: 0, hash: GENESIS_HASH, at: 1 }])).toEqual({
      ok: true,
      count: N,
      head: { seq: N, hash: rows[N - 1]!.hash },
      sealsMatched: 3,
    });
    expect(walkAll([])).toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH }, sealsMatched: 0 });
  });

  const fields: [keyof AuditEntryRow, unknown][] = [
    ['at', 1],
    ['actor', 'user:someone-else'],
    ['requestId', 'forged'],
    ['address', '203.0.113.9'],
    ['action', 'user.nothing'],
    ['targetType', 'other'],
    ['targetId', '999999'],
    ['details', '{"n":0}'],
    ['prevHash', 'f'.repeat(64)],
    ['hash', 'e'.repeat(64)],
  ];
  for (const [field, value] of fields) {
    it(`a change to ${field} is found as "edited" at that entry`, () => {
      const rows = chain(N);
      rows[11] = { ...rows[11]!, [field]: value };
      const out = walkAll(rows);
      expect(out).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 12 } });
    });
  }

  it('a null field set, or a set field nulled, is found too', () => {
    const rows = chain(N);
    const i = rows.findIndex((r) => r.requestId === null);
    rows[i] = { ...rows[i]!, requestId: 'req-x' };
    expect(walkAll(rows)).toMatchObject({ ok: false, problem: { kind: 'edited', seq: i + 1 } });
  });

  it('an entry edited and re-hashed is found: the next one still links to its former hash', () => {
    const rows = chain(N);
    rows[4] = rehash({ ...rows[4]!, actor: 'user:innocent' });
    expect(walkAll(rows)).toMatchObject({
      ok: false,
      problem: { kind: 'edited', seq: 5, message: expect.stringContaining('hash recomputed') },
    });
    const first = chain(N);
    first[0] = rehash({ ...first[0]!, prevHash: 'a'.repeat(64) });
    expect(walkAll(first)).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 1 } });
  });

  it('a deleted entry is a gap, "removed" at its sequence number', () => {
    const rows = chain(N);
    rows.splice(6, 1);
    expect(walkAll(rows)).toMatchObject({
      ok: false,
      problem: { kind: 'removed', seq: 7, message: '#7 is missing: #8 follows #6' },
    });
    const many = chain(N);
    many.splice(6, 3);
    expect(walkAll(many)).toMatchObject({
      ok: false,
      problem: { kind: 'removed', seq: 7, message: expect.stringContaining('#7–#9 are missing (3 entries)') },
    });
  });

  it('a deleted entry with the later ones renumbered is found as "removed"', () => {
    const rows = chain(N);
    rows.splice(6, 1);
    for (let i = 6; i < rows.length; i++) rows[i] = { ...rows[i]!, seq: rows[i]!.seq - 1 };
    expect(walkAll(rows)).toMatchObject({
      ok: false,
      problem: { kind: 'removed', seq: 7, message: expect.stringContaining('renumbered') },
    });
  });

  it('an entry inserted with the later ones renumbered is "inserted", forged well or badly', () => {
    for (const wellForged of [true, false]) {
      const rows = chain(N);
      for (let i = 9; i < rows.length; i++) rows[i] = { ...rows[i]!, seq: rows[i]!.seq + 1 };
      const forged = { ...syntheticEntry(10, rows[8]!.at + 1, rows[8]!.hash), actor: 'user:alibi' };
      rows.splice(9, 0, wellForged ? rehash(forged) : { ...forged, hash: 'b'.repeat(64) });
      expect(walkAll(rows), `well forged: ${wellForged}`).toMatchObject({
        ok: false,
        problem: { kind: 'inserted', seq: 10 },
      });
    }
  });

  it('two entries carrying one sequence number (a primary key dropped) are "inserted"', () => {
    const rows = chain(N);
    rows.splice(5, 0, { ...rows[5]!, actor: 'user:twin' });
    expect(walkAll(rows)).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 6 } });
  });

  it('two entries swapped are "reordered", both named; adjacent ones too', () => {
    for (const [a, b] of [
      [3, 14],
      [7, 8],
    ] as const) {
      const rows = chain(N);
      const A = rows[a - 1]!;
      const B = rows[b - 1]!;
      rows[a - 1] = { ...B, seq: a };
      rows[b - 1] = { ...A, seq: b };
      expect(walkAll(rows)).toMatchObject({
        ok: false,
        problem: { kind: 'reordered', seq: a, message: `#${a} and #${b} were swapped` },
      });
    }
  });

  it('an entry renumbered past the end is "reordered" to where it went', () => {
    const rows = chain(N);
    rows[4] = { ...rows[4]!, seq: 500 };
    expect(walkAll(rows)).toMatchObject({
      ok: false,
      problem: { kind: 'reordered', seq: 5, message: expect.stringContaining('#5 was moved to #500') },
    });
  });

  it('a truncated tail is "truncated" when a seal covers it, and silent without one (why seals exist)', () => {
    const rows = chain(N);
    const seal = sealOf(rows[N - 1]!, Date.UTC(2026, 10, 28, 9));
    const cut = rows.slice(0, 15);
    expect(walkAll(cut, [seal])).toMatchObject({
      ok: false,
      problem: {
        kind: 'truncated',
        seq: 16,
        message:
          'the chain ends at #15 but #20 was sealed at 2026-11-28T09:00:00.000Z: entries from #16 on were removed',
      },
    });
    expect(walkAll(cut)).toMatchObject({ ok: true, count: 15 });
    expect(walkAll([], [seal])).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 1 } });
  });

  it('a chain rewritten wholesale from some entry on passes the links but not the seals', () => {
    const rows = chain(N);
    const seals = [sealOf(rows[4]!), sealOf(rows[14]!)];
    // Rewrite from #8 on, every hash recomputed: a consistent chain.
    let prev = rows[6]!.hash;
    for (let i = 7; i < N; i++) {
      rows[i] = rehash({ ...rows[i]!, actor: 'user:scapegoat', prevHash: prev });
      prev = rows[i]!.hash;
    }
    expect(walkAll(rows)).toMatchObject({ ok: true, count: N });
    expect(walkAll(rows, seals)).toMatchObject({
      ok: false,
      problem: { kind: 'rewritten', seq: 15, message: expect.stringContaining('rewritten after #5') },
    });
  });

  it('a seal of the empty chain must hold the genesis hash', () => {
    expect(walkAll(chain(3), [{ seq: 0, hash: 'c'.repeat(64), at: 1 }])).toMatchObject({
      ok: false,
      problem: { kind: 'rewritten', seq: 0 },
    });
  });

  it('names the first of several breaks', () => {
    const rows = chain(N);
    rows[15] = { ...rows[15]!, actor: 'x' };
    rows[3] = { ...rows[3]!, actor: 'y' };
    expect(walkAll(rows)).toMatchObject({ ok: false, problem: { kind: 'edited', seq: 4 } });
  });

  it('stops reading as soon as the answer is known, and reads on while it is not', () => {
    const swapped = chain(N);
    [swapped[2], swapped[4]] = [
      { ...swapped[4]!, seq: 3 },
      { ...swapped[2]!, seq: 5 },
    ];
    const w = new ChainWalker();
    w.push(swapped.slice(0, 10));
    expect(w.wantsMore).toBe(false);
    // An edited entry: only the rest of the chain can tell it was not moved elsewhere.
    const edited = chain(N);
    edited[2] = { ...edited[2]!, actor: 'x' };
    const v = new ChainWalker();
    v.push(edited.slice(0, 10));
    expect(v.wantsMore).toBe(true);
  });
});
