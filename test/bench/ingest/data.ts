// Deterministic synthetic access events for the benchmarks: a large
// hospital's year (5,000 staff, 400,000 patients, 30 departments), with the
// action mix of an EHR audit trail (mostly reads, rare break-the-glass).
import type { AccessAction } from '../../../server/ingest/ingest.tables.ts';
import type { ValidAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';

export const USERS = 5_000;
export const PATIENTS = 400_000;
export const DEPARTMENTS = [
  'urgences',
  'cardiologie',
  'pneumologie',
  'neurologie',
  'pédiatrie',
  'maternité',
  'chirurgie-viscérale',
  'orthopédie',
  'oncologie',
  'hématologie',
  'néphrologie',
  'réanimation',
  'gériatrie',
  'psychiatrie',
  'radiologie',
  'biologie',
  'pharmacie',
  'dermatologie',
  'ophtalmologie',
  'ORL',
  'endocrinologie',
  'gastro-entérologie',
  'rhumatologie',
  'infectiologie',
  'médecine-interne',
  'urologie',
  'gynécologie',
  'anesthésie',
  'consultations-externes',
  'admissions',
];
export const APPLICATIONS = ['DxCare', 'Orbis', 'Hexagone', 'Sillage', 'PACS-Web'];
/** Cumulative weights of the actions (per 10,000). */
const ACTION_MIX: [AccessAction, number][] = [
  ['read', 8_000],
  ['update', 8_800],
  ['create', 9_200],
  ['login', 9_500],
  ['logout', 9_780],
  ['print', 9_880],
  ['login_failed', 9_930],
  ['export', 9_960],
  ['delete', 9_980],
  ['break_glass', 10_000],
];

export function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const userId = (n: number) => `u${String(n).padStart(5, '0')}`;
export const patientId = (n: number) => `P${String(n).padStart(8, '0')}`;

/** The i-th synthetic event of a stream spread evenly over [start, end). */
export function syntheticEvent(
  random: () => number,
  i: number,
  total: number,
  start: number,
  end: number,
): ValidAccessEvent {
  const occurredAt = Math.floor(start + ((end - start) * i) / total + random() * 1000);
  const u = Math.floor(random() * USERS);
  const pick = random() * 10_000;
  const action = ACTION_MIX.find(([, w]) => pick < w)![0];
  const withPatient = action !== 'login' && action !== 'logout' && action !== 'login_failed';
  const dept = DEPARTMENTS[u % DEPARTMENTS.length]!;
  return {
    occurredAt,
    occurredAtText: new Date(occurredAt).toISOString(),
    userId: userId(u),
    action,
    outcome: action === 'login_failed' ? 'failure' : 'success',
    patientId: withPatient ? patientId(Math.floor(random() ** 2 * PATIENTS)) : null,
    application: APPLICATIONS[Math.floor(random() ** 1.5 * APPLICATIONS.length)]!,
    workstation: `WS-${dept.slice(0, 5).toUpperCase()}-${u % 40}`,
    address: `10.${u % 20}.${(u >> 3) % 250}.${u % 250}`,
    department: dept,
    context: action === 'break_glass' ? '{"reason":"urgence vitale"}' : null,
  };
}

/** The same event as the JSON record a source sends. */
export function asRecord(e: ValidAccessEvent): Record<string, unknown> {
  return {
    time: e.occurredAtText,
    user: e.userId,
    action: e.action,
    outcome: e.outcome,
    ...(e.patientId ? { patient: e.patientId } : {}),
    application: e.application,
    workstation: e.workstation,
    address: e.address,
    department: e.department,
    ...(e.context ? { context: JSON.parse(e.context) } : {}),
  };
}
