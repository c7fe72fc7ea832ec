// A small clinic in memory for rule tests: the real rules from rules/, the
// real engine, a directory built from table rows, events made one by one.
import path from 'node:path';
import { Engine, type Hit } from '../../../server/detection/engine.ts';
import { renderRuleExplanation } from '../../../server/detection/explain.ts';
import { compileRule, loadRules, type RuleOverride } from '../../../server/detection/rule-loader.ts';
import { DirectoryIndex } from '../../../server/directory/directory-index.ts';
import type { DirectoryRows } from '../../../server/directory/directory.repo.ts';
import { addressKeys } from '../../../server/directory/normalize.ts';
import type { DetectionEventRow } from '../../../server/ingest/access-events.repo.ts';
import { parisTime } from '../../../server/paris-time.ts';

export const RULES = loadRules(path.resolve('rules'));
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Monday 9 March 2026, Paris. */
export const at = (day: number, hour: number, minute = 0) =>
  parisTime(`2026-03-${String(9 + day).padStart(2, '0')}`, hour, minute);

type Staff = DirectoryRows['staff'];
type Patient = DirectoryRows['patients'];

const person = (
  given: string,
  family: string,
  line: string | null,
  postcode = '69003',
  extra: Partial<Patient> = {},
) => ({
  givenName: given,
  familyName: family,
  birthName: null,
  birthDate: '1980-05-04',
  addressLine: line,
  postcode,
  city: 'Lyon',
  ...addressKeys(line, postcode, 'Lyon'),
  updatedAt: 0,
  ...extra,
});

export function staff(
  id: string,
  given: string,
  family: string,
  department: string,
  profession: string,
  extra: Partial<Staff> = {},
): Staff {
  return {
    id,
    title: profession === 'Médecin' ? 'Dr' : null,
    department,
    profession,
    accountType: 'person',
    status: 'active',
    endedAt: null,
    lastLoginAt: null,
    ...person(given, family, null),
    ...extra,
  } as Staff;
}
export function patient(
  id: string,
  given: string,
  family: string,
  line: string | null,
  extra: Partial<Patient> = {},
  postcode = '69003',
): Patient {
  return { id, vip: 0, deceasedAt: null, staffId: null, ...person(given, family, line, postcode), ...extra } as Patient;
}

/** Dr Claire Martin (cardiology) and the people around her. */
export function baseDirectory() {
  return {
    staff: [
      staff('cmartin', 'Claire', 'Martin', 'Cardiologie', 'Médecin', person('Claire', 'Martin', '12 rue des Lilas')),
      staff(
        'jdurand',
        'Julie',
        'Durand',
        'Cardiologie',
        'Infirmier',
        person('Julie', 'Durand', '3 avenue Berthelot', '69007'),
      ),
      staff(
        'pbernard',
        'Paul',
        'Bernard',
        'Pneumologie',
        'Infirmier',
        person('Paul', 'Bernard', '8 rue Garibaldi', '69006'),
      ),
      staff('dim1', 'Anne', 'Roux', 'Information médicale', 'Technicien d’information médicale'),
      staff('svc-labo', '', 'Interface laboratoire', 'Informatique', 'Compte technique', { accountType: 'service' }),
      staff('gone', 'Marc', 'Petit', 'Cardiologie', 'Infirmier', {
        endedAt: at(0, 0) - 10 * DAY,
        status: 'terminated',
      }),
      staff('sleepy', 'Henri', 'Leroy', 'Cardiologie', 'Médecin', { lastLoginAt: at(0, 0) - 120 * DAY }),
      staff('recent', 'Louis', 'Moreau', 'Cardiologie', 'Médecin', { lastLoginAt: at(0, 0) - 10 * DAY }),
    ],
    patients: [
      patient('P1000001', 'Claire', 'Martin', '12 rue des Lilas', { staffId: 'cmartin' }),
      patient('P1000002', 'Jean', 'Martin', '12 rue des Lilas'),
      patient('P1000003', 'Luc', 'Dubois', '30 rue des Lilas'),
      patient('P1000004', 'Paul', 'Bernard', '8 rue Garibaldi', { staffId: 'pbernard' }, '69006'),
      patient('P1000005', 'Ève', 'Star', '1 place Bellecour', { vip: 1 }, '69002'),
      patient('P1000006', 'Rose', 'Ancien', '5 rue Voltaire', { deceasedAt: at(0, 0) - 30 * DAY }, '69100'),
      patient('P1000007', 'Max', 'Inconnu', '9 rue Carnot', {}, '69500'),
      patient('P1000008', 'Lise', 'Soignée', '2 rue Sully', {}, '69500'),
      patient('P1000009', 'Paul', 'Martin', '40 cours Lafayette', { birthDate: '1950-01-01' }, '69003'),
      patient('P1000010', 'Nina', 'Lilas', '30 rue des Lilas', {}, '69100'),
    ],
    encounters: [
      {
        id: 'E1',
        patientId: 'P1000008',
        department: 'Cardiologie',
        kind: 'IMP',
        startAt: at(0, 0) - 2 * DAY,
        endAt: null,
        updatedAt: 0,
      },
    ] as DirectoryRows['encounters'][],
    assignments: [] as DirectoryRows['assignments'][],
    workstations: [
      { id: 'SL-1', site: 'Saint-Luc', department: 'Cardiologie', latitude: 45.7578, longitude: 4.852, updatedAt: 0 },
      { id: 'SL-2', site: 'Saint-Luc', department: 'Cardiologie', latitude: 45.7578, longitude: 4.852, updatedAt: 0 },
      { id: 'BJ-1', site: 'Beaujolais', department: 'Gériatrie', latitude: 45.9899, longitude: 4.7186, updatedAt: 0 },
    ] as DirectoryRows['workstations'][],
  };
}

export type Directory = ReturnType<typeof baseDirectory>;

export class Bench {
  #id = 0;
  readonly engine: Engine;
  constructor(directory: Directory = baseDirectory(), overrides: Record<string, RuleOverride> = {}) {
    this.engine = new Engine(
      RULES.map((d) => compileRule(d, overrides[d.source.id])),
      new DirectoryIndex(1, directory),
    );
  }
  event(e: Partial<DetectionEventRow> & { occurredAt: number; userId: string | null }): DetectionEventRow {
    return {
      id: ++this.#id,
      action: 'read',
      outcome: 'success',
      patientId: null,
      workstation: 'SL-1',
      address: '10.1.1.1',
      department: null,
      context: null,
      ...e,
    };
  }
  /** Runs the events; returns the hits. */
  run(...events: (Partial<DetectionEventRow> & { occurredAt: number; userId: string | null })[]): Hit[] {
    return this.engine.process(events.map((e) => this.event(e)));
  }
  /** Learns without looking at hits (a history). */
  learn(...events: (Partial<DetectionEventRow> & { occurredAt: number; userId: string | null })[]): void {
    this.engine.process(
      events.map((e) => this.event(e)),
      true,
    );
  }
  read(userId: string, patientId: string, occurredAt: number, extra: Partial<DetectionEventRow> = {}): Hit[] {
    return this.run({ userId, patientId, occurredAt, ...extra });
  }
}

export const rulesOf = (hits: Hit[]) => [...new Set(hits.map((h) => h.rule.id))].sort();

/** A hit's explanation as an analyst reads it: the rule's template filled with the stored facts. */
export const said = (hit: Hit) => renderRuleExplanation(hit.rule.explanation, hit.explanation.params);
