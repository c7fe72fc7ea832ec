// The account and activity rules: hours, volume, break-the-glass aside, accounts, logins, places.
import { describe, expect, it } from 'vitest';
import type { DetectionEventRow } from '../../../server/ingest/access-events.repo.ts';
import { at, baseDirectory, Bench, DAY, rulesOf, staff, said } from './fixture.ts';

const MIN = 60_000;
type Ev = Partial<DetectionEventRow> & { occurredAt: number; userId: string | null };

/** Office days (9:00–17:00) for `days` days: a learnt routine. */
function routine(user: string, days: number, patient = 'P1000008', hours = [9, 11, 14, 16]): Ev[] {
  return Array.from({ length: days }, (_, d) =>
    hours.map((h) => ({ userId: user, patientId: patient, occurredAt: at(d - days, h) })),
  ).flat();
}

describe('off-hours', () => {
  it('fires when a day worker with a learnt routine is active at 03:00, telling their usual hours', () => {
    const b = new Bench();
    b.learn(...routine('jdurand', 8));
    const hits = b.read('jdurand', 'P1000008', at(1, 3));
    expect(rulesOf(hits)).toEqual(['off-hours']);
    expect(said(hits[0]!).fr).toContain('en dehors de ses horaires habituels (9h–10h, 11h–12h, 14h–15h, 16h–17h)');
  });
  it('does not fire near the usual hours, nor while the routine is still being learnt', () => {
    const b = new Bench();
    b.learn(...routine('jdurand', 8));
    expect(b.read('jdurand', 'P1000008', at(1, 18, 30))).toEqual([]);
    const fresh = new Bench();
    fresh.learn(...routine('jdurand', 3));
    expect(fresh.read('jdurand', 'P1000008', at(1, 3))).toEqual([]);
  });
  it('does not fire at night for someone who has worked nights, nor for a physician whose peers take on-call nights', () => {
    const b = new Bench();
    b.learn(...routine('jdurand', 8), { userId: 'jdurand', patientId: 'P1000008', occurredAt: at(-3, 23) });
    expect(b.read('jdurand', 'P1000008', at(1, 3))).toEqual([]);
    const d = baseDirectory();
    d.staff.push(
      staff('doc2', 'Léa', 'Roy', 'Cardiologie', 'Médecin'),
      staff('doc3', 'Hugo', 'Roy', 'Cardiologie', 'Médecin'),
    );
    const peers = new Bench(d);
    const onCall = (user: string, days: number[]) =>
      days.map((d) => ({ userId: user, patientId: 'P1000008', occurredAt: at(d, 2) }));
    peers.learn(
      ...routine('cmartin', 8),
      ...routine('doc2', 8),
      ...routine('doc3', 8),
      ...onCall('doc2', [-7, -5, -2]),
      ...onCall('doc3', [-6, -4, -1]),
    );
    expect(peers.read('cmartin', 'P1000008', at(1, 3))).toEqual([]);
  });
  it('fires at night when the peers were each out only one night (their own out-of-hours access, not a rota)', () => {
    const d = baseDirectory();
    d.staff.push(
      staff('doc2', 'Léa', 'Roy', 'Cardiologie', 'Médecin'),
      staff('doc3', 'Hugo', 'Roy', 'Cardiologie', 'Médecin'),
    );
    const peers = new Bench(d);
    peers.learn(
      ...routine('cmartin', 8),
      ...routine('doc2', 8),
      ...routine('doc3', 8),
      { userId: 'doc2', patientId: 'P1000008', occurredAt: at(-2, 2) },
      { userId: 'doc3', patientId: 'P1000008', occurredAt: at(-1, 1) },
    );
    expect(rulesOf(peers.read('cmartin', 'P1000008', at(1, 3)))).toEqual(['off-hours']);
  });
  it('does not fire close to the night for someone who works nights; fires for a day worker', () => {
    const nights = new Bench();
    nights.learn(...routine('jdurand', 8), { userId: 'jdurand', patientId: 'P1000008', occurredAt: at(-3, 1) });
    expect(nights.read('jdurand', 'P1000008', at(1, 21, 20))).toEqual([]);
    const days = new Bench();
    days.learn(...routine('jdurand', 8));
    expect(rulesOf(days.read('jdurand', 'P1000008', at(1, 21, 20)))).toEqual(['off-hours']);
  });
});

describe('bulk-access', () => {
  const many = (user: string, n: number, start: number): Ev[] =>
    Array.from({ length: n }, (_, i) => ({
      userId: user,
      patientId: `P9${String(i).padStart(6, '0')}`,
      occurredAt: start + i * 30_000,
    }));
  const cared = () => {
    const d = baseDirectory();
    for (let i = 0; i < 120; i++)
      d.encounters.push({
        id: `EB${i}`,
        patientId: `P9${String(i).padStart(6, '0')}`,
        department: 'Cardiologie',
        kind: 'IMP',
        startAt: at(-20, 0),
        endAt: null,
        updatedAt: 0,
      });
    return d;
  };
  it('fires when a user opens far more distinct patients in an hour than their usual peak and their department’s', () => {
    const b = new Bench(cared());
    for (let d = -8; d < 0; d++) b.learn(...many('jdurand', 6, at(d, 10)), ...many('cmartin', 8, at(d, 11)));
    const hits = b.run(...many('jdurand', 50, at(1, 10)));
    expect(rulesOf(hits)).toEqual(['bulk-access']);
    expect(hits[0]!.evidence).toHaveLength(40);
    expect(said(hits[0]!).fr).toContain(
      'a ouvert 40 dossiers de patients différents en 1 h (seuil 40 ; pic habituel 6, service 8)',
    );
  });
  it('does not fire for a user whose usual peak is that high, nor under the threshold', () => {
    const b = new Bench(cared());
    for (let d = -8; d < 0; d++) b.learn(...many('jdurand', 30, at(d, 10)));
    expect(rulesOf(b.run(...many('jdurand', 60, at(1, 10))))).toEqual([]);
    const c = new Bench(cared());
    expect(rulesOf(c.run(...many('jdurand', 39, at(1, 10))))).toEqual([]);
  });
});

describe('terminated-account', () => {
  it('fires on any successful activity after the end of contract', () => {
    const hits = new Bench().run({ userId: 'gone', occurredAt: at(0, 10), action: 'login' });
    expect(rulesOf(hits)).toEqual(['terminated-account']);
    expect(said(hits[0]!).fr).toMatch(
      /^Le compte de Marc Petit \(Cardiologie\), parti le \d\d\/\d\d\/2026, a ouvert une session le/,
    );
  });
  it('does not fire before the end date, nor on a failed login', () => {
    const d = baseDirectory();
    d.staff.find((s) => s.id === 'gone')!.endedAt = at(5, 0);
    expect(new Bench(d).run({ userId: 'gone', occurredAt: at(0, 10), action: 'login' })).toEqual([]);
    expect(
      new Bench().run({ userId: 'gone', occurredAt: at(0, 10), action: 'login_failed', outcome: 'failure' }),
    ).toEqual([]);
  });
});

describe('dormant-account', () => {
  it('fires on the first activity after 120 idle days (last login from the directory), once', () => {
    const b = new Bench();
    const hits = b.run({ userId: 'sleepy', occurredAt: at(0, 9), action: 'login' });
    expect(rulesOf(hits)).toEqual(['dormant-account']);
    expect(said(hits[0]!).en).toContain('had been idle for 120 days');
    expect(b.read('sleepy', 'P1000008', at(0, 9, 5))).toEqual([]);
  });
  it('does not fire after a short absence, nor for a new account with no history', () => {
    expect(new Bench().run({ userId: 'recent', occurredAt: at(0, 9), action: 'login' })).toEqual([]);
    expect(new Bench().run({ userId: 'jdurand', occurredAt: at(0, 9), action: 'login' })).toEqual([]);
  });
  it('also learns idleness from the log itself', () => {
    const b = new Bench();
    b.learn({ userId: 'jdurand', occurredAt: at(0, 9) - 100 * DAY, action: 'login' });
    expect(rulesOf(b.run({ userId: 'jdurand', occurredAt: at(0, 9), action: 'login' }))).toEqual(['dormant-account']);
  });
});

describe('failed logins', () => {
  const fail = (user: string | null, t: number, ws = 'SL-1'): Ev => ({
    userId: user,
    occurredAt: t,
    action: 'login_failed',
    outcome: 'failure',
    workstation: ws,
  });
  it('fires on five failures of one account within ten minutes, with the five as evidence', () => {
    const hits = new Bench().run(...[0, 1, 2, 3, 4].map((i) => fail('jdurand', at(0, 9) + i * 30_000)));
    expect(rulesOf(hits)).toEqual(['failed-logins-user']);
    expect(hits[0]!.evidence).toEqual([1, 2, 3, 4, 5]);
  });
  it('does not fire on four failures, nor on five spread over an hour', () => {
    expect(new Bench().run(...[0, 1, 2, 3].map((i) => fail('jdurand', at(0, 9) + i * 30_000)))).toEqual([]);
    expect(new Bench().run(...[0, 1, 2, 3, 4].map((i) => fail('jdurand', at(0, 9) + i * 15 * MIN)))).toEqual([]);
  });
  it('fires on one workstation failing for five different accounts, known or not', () => {
    const hits = new Bench().run(
      ...['admin', 'test', 'jdurand', 'cmartin', 'root'].map((u, i) => fail(u, at(0, 9) + i * 20_000, 'SL-2')),
    );
    expect(rulesOf(hits)).toEqual(['failed-logins-workstation']);
    expect(said(hits[0]!).fr).toContain('Échecs de connexion pour 5 comptes différents en 10 min sur le poste SL-2');
  });
});

describe('impossible-travel', () => {
  it('fires when the account is 28 km away ten minutes later', () => {
    const b = new Bench();
    b.read('cmartin', 'P1000008', at(0, 10), { workstation: 'SL-1' });
    const hits = b.run({ userId: 'cmartin', occurredAt: at(0, 10, 10), action: 'login', workstation: 'BJ-1' });
    expect(rulesOf(hits)).toEqual(['impossible-travel']);
    expect(hits[0]!.evidence).toEqual([1, 2]);
    expect(said(hits[0]!).fr).toContain('puis 10 min plus tard sur le poste BJ-1 (Beaujolais), à 28 km');
  });
  it('does not fire after enough time for the journey, nor between workstations of the same site', () => {
    const b = new Bench();
    b.read('cmartin', 'P1000008', at(0, 10), { workstation: 'SL-1' });
    expect(b.run({ userId: 'cmartin', occurredAt: at(0, 12), action: 'login', workstation: 'BJ-1' })).toEqual([]);
    const c = new Bench();
    c.read('cmartin', 'P1000008', at(0, 10), { workstation: 'SL-1' });
    expect(c.read('cmartin', 'P1000008', at(0, 10, 1), { workstation: 'SL-2' })).toEqual([]);
  });
});

describe('yielding', () => {
  it('raises one alert per access: the most specific rule speaks, the general one stays quiet', () => {
    const hits = new Bench().read('cmartin', 'P1000002', at(0, 10));
    expect(rulesOf(hits)).toEqual(['relative-record']);
  });
  it('a disabled rule is silent and does not silence the rules that yield to it', () => {
    const b = new Bench(baseDirectory(), { 'relative-record': { enabled: false } });
    expect(rulesOf(b.read('cmartin', 'P1000002', at(0, 10)))).toEqual(['no-care-relationship']);
  });
  it('an admin threshold override applies', () => {
    const b = new Bench(baseDirectory(), { 'failed-logins-user': { threshold: 3 } });
    const hits = b.run(
      ...[0, 1, 2].map((i) => ({
        userId: 'jdurand',
        occurredAt: at(0, 9) + i * 1000,
        action: 'login_failed' as const,
        outcome: 'failure' as const,
      })),
    );
    expect(rulesOf(hits)).toEqual(['failed-logins-user']);
  });
});
