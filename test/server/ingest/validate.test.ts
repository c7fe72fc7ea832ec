import { describe, expect, it } from 'vitest';
import { AccessEventRecord, reasonOf } from '../../../server/ingest/access-event.schema.ts';
import { validateAccessEvent } from '../../../server/ingest/access-event.validate.ts';
import { parseIsoTime } from '../../../server/ingest/iso-time.ts';

// A deterministic generator (mulberry32) so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNSET = Symbol('unset');
const candidates: Record<string, unknown[]> = {
  time: ['2026-11-28T14:26:16+01:00', '2026-11-28T13:26:16Z', '2026-11-28T14:26:16.123456+0100', '2026-11-28T14:26', '2026-02-30T10:00:00Z', '2026-11-28T14:26:16', '28/11/2026', '2026-11-28T25:00:00Z', '2024-02-29T00:00:00-05:00', '2026-11-28T14:26:16+19:00', 1764336376000, null, UNSET],
  user: ['u123', '  u123  ', '', '   ', 'x'.repeat(128), 'x'.repeat(129), 'u\u0000x', 42, null, UNSET, ['a']],
  action: ['read', 'login', 'break_glass', 'READ', 'open', '', null, UNSET, 3],
  outcome: ['success', 'failure', 'ok', null, UNSET, true],
  patient: ['P000123', ' P1 ', '', 'p'.repeat(129), 123, null, UNSET],
  application: ['DxCare', '', 'a'.repeat(200), null, UNSET, {}],
  workstation: ['WS-12', 'w'.repeat(256), 'w'.repeat(257), null, UNSET],
  address: ['10.0.0.1', 'a'.repeat(65), null, UNSET, 10],
  department: ['cardio', '', 'a\u0000', null, UNSET, false],
  context: [{ reason: 'urgence' }, {}, [], 'text', null, UNSET, { big: 'x'.repeat(5000) }, { nested: { a: [1, 2] } }],
};
const extras: [string, unknown][] = [['foo', 1], ['bar', 'x'], ['Time', '2026-11-28T14:26:16Z']];

function generate(random: () => number, n: number): unknown[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const out: unknown[] = [null, [], 'text', 42, true, {}];
  for (let i = 0; i < n; i++) {
    const valid = random() < 0.3;
    const rec: Record<string, unknown> = {};
    for (const [k, values] of Object.entries(candidates)) {
      const v = valid ? values[0] : pick(values);
      if (v !== UNSET) rec[k] = v;
    }
    if (!valid && random() < 0.15) for (const [k, v] of extras.slice(0, 1 + Math.floor(random() * 3))) rec[k] = v;
    out.push(rec);
  }
  return out;
}

describe('validateAccessEvent, the hot-path twin of the zod schema', () => {
  it('agrees with AccessEventRecord on 10,000 generated records: same verdict, same stored values, same first reason', () => {
    const corpus = generate(rng(20261128), 10_000);
    let refused = 0;
    for (const record of corpus) {
      const fast = validateAccessEvent(record);
      const slow = AccessEventRecord.safeParse(record);
      if (!slow.success) {
        refused++;
        expect(fast, JSON.stringify(record)).toBe(reasonOf(slow.error.issues));
        continue;
      }
      const d = slow.data;
      expect(fast, JSON.stringify(record)).toEqual({
        occurredAt: parseIsoTime(d.time),
        occurredAtText: d.time,
        userId: d.user ?? null,
        action: d.action,
        outcome: d.outcome,
        patientId: d.patient ?? null,
        application: d.application ?? null,
        workstation: d.workstation ?? null,
        address: d.address ?? null,
        department: d.department ?? null,
        context: d.context == null ? null : JSON.stringify(d.context),
      });
    }
    // The corpus exercises both sides.
    expect(refused).toBeGreaterThan(2_500);
    expect(corpus.length - refused).toBeGreaterThan(2_500);
  });

  it('names the field and the rule in its reasons', () => {
    expect(validateAccessEvent({ action: 'read' })).toBe('time: Invalid input: expected string, received undefined');
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16', action: 'read' })).toBe('time: an ISO 8601 time with its offset, e.g. 2026-11-28T14:26:16+01:00');
    expect(validateAccessEvent({ time: '2026-02-30T10:00:00Z', action: 'read' })).toBe('time: a real date and time');
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'peek' })).toMatch(/^action: Invalid option: expected one of "login"\|/);
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'read', patient: 'x'.repeat(129) })).toBe('patient: Too big: expected string to have <=128 characters');
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'read', extra: 1 })).toBe('Unrecognized key: "extra"');
    expect(validateAccessEvent([])).toBe('Invalid input: expected object, received array');
  });
});

describe('parseIsoTime', () => {
  it('parses offsets with and without a colon, truncates beyond milliseconds, refuses what is not real', () => {
    expect(parseIsoTime('2026-11-28T14:26:16+01:00')).toBe(Date.UTC(2026, 10, 28, 13, 26, 16));
    expect(parseIsoTime('2026-11-28T14:26:16.123456+0100')).toBe(Date.UTC(2026, 10, 28, 13, 26, 16, 123));
    expect(parseIsoTime('2026-11-28T14:26Z')).toBe(Date.UTC(2026, 10, 28, 14, 26));
    expect(parseIsoTime('2026-11-28T14:26:16.5-03:30')).toBe(Date.UTC(2026, 10, 28, 17, 56, 16, 500));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoTime('2026-02-29T00:00:00Z')).toBe('calendar');
    expect(parseIsoTime('2026-11-28T14:26:16')).toBe('format');
    expect(parseIsoTime('2026-11-28 14:26:16Z')).toBe('format');
  });
});
