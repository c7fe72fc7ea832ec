import { describe, expect, it } from 'vitest';
import { validateAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';
import { AccessEventRecord, reasonOf } from '../../../server/ingest/pipeline/access-event.schemas.ts';
import { parseIsoTime } from '../../../server/ingest/pipeline/iso-time.ts';

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
  time: [
    '2026-11-28T14:26:16+01:00',
    '2026-11-28T13:26:16Z',
    '2026-11-28T14:26:16.123456+0100',
    '2026-11-28T14:26',
    '2026-02-30T10:00:00Z',
    '2026-11-28T14:26:16',
    '28/11/2026',
    '2026-11-28T25:00:00Z',
    '2024-02-29T00:00:00-05:00',
    '2026-11-28T14:26:16+19:00',
    1764336376000,
    null,
    UNSET,
  ],
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
const extras: [string, unknown][] = [
  ['foo', 1],
  ['bar', 'x'],
  ['Time', '2026-11-28T14:26:16Z'],
];

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
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16', action: 'read' })).toBe(
      'time: an ISO 8601 time with its offset, e.g. 2026-11-28T14:26:16+01:00',
    );
    expect(validateAccessEvent({ time: '2026-02-30T10:00:00Z', action: 'read' })).toBe('time: a real date and time');
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'peek' })).toMatch(
      /^action: Invalid option: expected one of "login"\|/,
    );
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'read', patient: 'x'.repeat(129) })).toBe(
      'patient: Too big: expected string to have <=128 characters',
    );
    expect(validateAccessEvent({ time: '2026-11-28T14:26:16Z', action: 'read', extra: 1 })).toBe(
      'Unrecognized key: "extra"',
    );
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

describe('parseIsoTime against the ISO expression it replaced', () => {
  // The regex-based parser of earlier versions: the reference for shape and value.
  const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;
  const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  function reference(text: string): number | 'format' | 'calendar' {
    const m = ISO.exec(text);
    if (!m) return 'format';
    const [year, month, day, hour, minute] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!];
    const second = m[6] === undefined ? 0 : +m[6];
    const ms = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3);
    if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return 'calendar';
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return 'calendar';
    let offsetMinutes = 0;
    if (m[9] !== undefined) {
      if (+m[10]! > 18 || +m[11]! > 59) return 'calendar';
      offsetMinutes = (m[9] === '-' ? -1 : 1) * (+m[10]! * 60 + +m[11]!);
    }
    return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  }

  it('gives the same answer on valid times and on every one-character change, cut and insertion of them', () => {
    const seeds = [
      '2026-11-28T14:26:16+01:00',
      '2026-11-28T14:26:16.123456789-0330',
      '2026-11-28T14:26Z',
      '2026-11-28T14:26:16.5Z',
      '2024-02-29T23:59:59.99+18:00',
      '1900-01-01T00:00:00Z',
      '2026-12-31T00:00+0000',
      '2026-06-30T12:00:00.1234567891Z',
    ];
    const alphabet = ['0', '1', '2', '3', '5', '9', '-', '+', ':', '.', 'T', 'Z', 'z', ' ', 'x', '٣'];
    const cases = new Set(seeds);
    for (const s of seeds) {
      for (let i = 0; i <= s.length; i++) {
        cases.add(s.slice(0, i));
        cases.add(s.slice(0, i) + s.slice(i + 1));
        for (const c of alphabet) {
          cases.add(s.slice(0, i) + c + s.slice(i + 1));
          cases.add(s.slice(0, i) + c + s.slice(i));
        }
      }
    }
    expect(cases.size).toBeGreaterThan(5_000);
    const differing = [...cases].filter((c) => parseIsoTime(c) !== reference(c));
    expect(differing).toEqual([]);
    // Both kinds of refusal and plenty of valid times are in the corpus.
    const kinds = new Set([...cases].map((c) => (typeof reference(c) === 'number' ? 'number' : reference(c))));
    expect(kinds).toEqual(new Set(['number', 'format', 'calendar']));
  });
});
