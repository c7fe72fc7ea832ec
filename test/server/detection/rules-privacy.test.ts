// The record-access rules, each fired and each kept quiet where the access is explained.
import { describe, expect, it } from 'vitest';
import { at, baseDirectory, Bench, DAY, HOUR, rulesOf, said } from './fixture.ts';

const T = at(2, 10);

describe('self-access', () => {
  it('fires when a member of staff opens their own record, and says so in both languages with the patient masked', () => {
    const hits = new Bench().read('cmartin', 'P1000001', T);
    expect(rulesOf(hits)).toEqual(['self-access']);
    expect(said(hits[0]!).fr).toContain(
      'Dr Claire Martin (Cardiologie) a consulté son propre dossier patient (••••••01)',
    );
    expect(said(hits[0]!).en).toContain('opened their own patient record');
    expect(JSON.stringify([hits[0]!.explanation, hits[0]!.details])).not.toContain('P1000001');
  });
  it('fires on the same name, given name and birth date even without the employee link', () => {
    const d = baseDirectory();
    d.patients[0]!.staffId = null;
    expect(rulesOf(new Bench(d).read('cmartin', 'P1000001', T))).toEqual(['self-access']);
  });
  it('does not fire for a namesake (same family name, another person)', () => {
    expect(rulesOf(new Bench().read('cmartin', 'P1000009', T))).not.toContain('self-access');
  });
});

describe('relative-record', () => {
  it('fires on the same family name at the same address, without a care relationship', () => {
    const hits = new Bench().read('cmartin', 'P1000002', T);
    expect(rulesOf(hits)).toEqual(['relative-record']);
    expect(said(hits[0]!).fr).toContain(
      'qui porte le même nom et habite à la même adresse, sans séjour dans son service',
    );
  });
  it('fires on a birth-name link at another address', () => {
    const d = baseDirectory();
    d.patients.push({ ...d.patients[6]!, id: 'P2000001', familyName: 'Lopez', birthName: 'Martin' });
    expect(rulesOf(new Bench(d).read('cmartin', 'P2000001', T))).toEqual(['relative-record']);
  });
  it('does not fire when the relative is treated in the user’s department', () => {
    const d = baseDirectory();
    d.encounters.push({
      id: 'E2',
      patientId: 'P1000002',
      department: 'Cardiologie',
      kind: 'IMP',
      startAt: T - DAY,
      endAt: null,
      updatedAt: 0,
    });
    expect(new Bench(d).read('cmartin', 'P1000002', T)).toEqual([]);
  });
  it('does not fire for a namesake living elsewhere (only the no-care rule speaks)', () => {
    expect(rulesOf(new Bench().read('cmartin', 'P1000009', T))).toEqual(['no-care-relationship']);
  });
});

describe('colleague-record', () => {
  it('fires when the patient is a member of staff, naming their department', () => {
    const hits = new Bench().read('cmartin', 'P1000004', T);
    expect(rulesOf(hits)).toEqual(['colleague-record']);
    expect(said(hits[0]!).fr).toContain('qui fait partie du personnel (Pneumologie)');
  });
  it('does not fire for the colleague who is also the patient in the user’s care', () => {
    const d = baseDirectory();
    d.encounters.push({
      id: 'E3',
      patientId: 'P1000004',
      department: 'Cardiologie',
      kind: 'IMP',
      startAt: T - 2 * DAY,
      endAt: T - DAY,
      updatedAt: 0,
    });
    expect(new Bench(d).read('cmartin', 'P1000004', T)).toEqual([]);
  });
  it('does not fire when the colleague is explained by an assignment', () => {
    const d = baseDirectory();
    d.assignments.push({
      id: 'A1',
      userId: 'cmartin',
      patientId: 'P1000004',
      startAt: T - HOUR,
      endAt: T + DAY,
      reason: 'Avis cardio',
      updatedAt: 0,
    });
    expect(new Bench(d).read('cmartin', 'P1000004', T)).toEqual([]);
  });
});

describe('neighbour-record', () => {
  it('fires on the same street (another number), without a name link', () => {
    const hits = new Bench().read('cmartin', 'P1000003', T);
    expect(rulesOf(hits)).toEqual(['neighbour-record']);
    expect(said(hits[0]!).en).toContain('who lives in the same street');
  });
  it('does not fire on a street of the same name in another town', () => {
    expect(rulesOf(new Bench().read('cmartin', 'P1000010', T))).toEqual(['no-care-relationship']);
  });
  it('does not fire when the neighbour is in the user’s care', () => {
    const d = baseDirectory();
    d.encounters.push({
      id: 'E4',
      patientId: 'P1000003',
      department: 'Cardiologie',
      kind: 'AMB',
      startAt: T - 3 * DAY,
      endAt: T - 3 * DAY + HOUR,
      updatedAt: 0,
    });
    expect(new Bench(d).read('cmartin', 'P1000003', T)).toEqual([]);
  });
});

describe('vip-record', () => {
  it('fires on a VIP outside the user’s care', () => {
    expect(rulesOf(new Bench().read('jdurand', 'P1000005', T))).toEqual(['vip-record']);
  });
  it('does not fire for the department treating the VIP', () => {
    const d = baseDirectory();
    d.encounters.push({
      id: 'E5',
      patientId: 'P1000005',
      department: 'Cardiologie',
      kind: 'IMP',
      startAt: T - DAY,
      endAt: null,
      updatedAt: 0,
    });
    expect(new Bench(d).read('jdurand', 'P1000005', T)).toEqual([]);
  });
});

describe('deceased-record', () => {
  it('fires on a record opened a month after death', () => {
    const hits = new Bench().read('jdurand', 'P1000006', T);
    expect(rulesOf(hits)).toEqual(['deceased-record']);
    expect(said(hits[0]!).fr).toMatch(/décédé le \d\d\/\d\d\/2026 \(\d+ jours plus tôt\)/);
  });
  it('does not fire within the grace period, nor for medical information coding the last stay', () => {
    const d = baseDirectory();
    d.patients[5]!.deceasedAt = T - DAY;
    expect(rulesOf(new Bench(d).read('jdurand', 'P1000006', T))).not.toContain('deceased-record');
    const d2 = baseDirectory();
    d2.encounters.push({
      id: 'E6',
      patientId: 'P1000006',
      department: 'Réanimation',
      kind: 'IMP',
      startAt: T - 40 * DAY,
      endAt: T - 30 * DAY,
      updatedAt: 0,
    });
    expect(new Bench(d2).read('dim1', 'P1000006', T)).toEqual([]);
  });
});

describe('no-care-relationship', () => {
  it('fires on a patient with no stay in the user’s department, folding a day of such reads into one fingerprint', () => {
    const b = new Bench();
    const first = b.read('jdurand', 'P1000007', T);
    const second = b.read('jdurand', 'P1000009', T + HOUR);
    expect(rulesOf(first)).toEqual(['no-care-relationship']);
    expect(second[0]!.fingerprint).toBe(first[0]!.fingerprint);
  });
  it('does not fire on a patient staying in the user’s department, nor after the user’s own break-the-glass', () => {
    const b = new Bench();
    expect(b.read('jdurand', 'P1000008', T)).toEqual([]);
    expect(
      rulesOf(
        b.run({
          userId: 'jdurand',
          patientId: 'P1000007',
          occurredAt: T,
          action: 'break_glass',
          context: '{"reason":"Urgence"}',
        }),
      ),
    ).toEqual(['break-glass']);
    expect(b.read('jdurand', 'P1000007', T + 10 * 60_000)).toEqual([]);
  });
  it('does not fire for technical accounts, nor for medical information on a patient with a recent stay', () => {
    const b = new Bench();
    expect(b.run({ userId: 'svc-labo', patientId: 'P1000007', occurredAt: T, action: 'update' })).toEqual([]);
    expect(b.read('dim1', 'P1000008', T)).toEqual([]);
  });
  it('does fire for medical information on a patient who never stayed', () => {
    expect(rulesOf(new Bench().read('dim1', 'P1000007', T))).toEqual(['no-care-relationship']);
  });
});

describe('break-glass', () => {
  it('fires on every emergency override, quoting the reason or saying there is none', () => {
    const b = new Bench();
    const withReason = b.run({
      userId: 'jdurand',
      patientId: 'P1000008',
      occurredAt: T,
      action: 'break_glass',
      context: '{"reason":"Patient P1000008 inconscient"}',
    });
    expect(rulesOf(withReason)).toEqual(['break-glass']);
    expect(said(withReason[0]!).fr).toContain('motif : « Patient ••••••08 inconscient »');
    const without = b.run({ userId: 'cmartin', patientId: 'P1000007', occurredAt: T, action: 'break_glass' });
    expect(said(without[0]!).en).toContain('reason: no reason given');
  });
  it('does not fire on an ordinary read', () => {
    expect(rulesOf(new Bench().read('jdurand', 'P1000008', T))).toEqual([]);
  });
});
