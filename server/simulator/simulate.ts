// Builds the simulated month: clinic, ordinary work, injected incidents; and
// renders the files (directory CSVs in the import format, events in the
// ingest format, the ground truth). Same options → byte-identical files.
import { validateRows } from '../directory/directory-import.ts';
import { DirectoryIndex } from '../directory/directory-index.ts';
import { parseImport } from '../directory/parse.ts';
import { CSV_COLUMNS, type DirectoryKind } from '../directory/records.ts';
import { toParisIso } from '../paris-time.ts';
import { Activity, type Assignment, type SimEvent } from './activity.ts';
import { buildClinic, PROFESSIONS, SITES, type Clinic } from './clinic.ts';
import { injectIncidents, type Incident } from './incidents.ts';
import { Rng } from './prng.ts';

export interface SimulateOptions {
  staff: number;
  patients: number;
  days: number;
  seed: number;
  /** First day, YYYY-MM-DD (Europe/Paris). */
  start: string;
}

export interface Simulation {
  files: Record<string, string>;
  events: number;
  incidents: Incident[];
}

const APPLICATION = 'DPI';

function csv(kind: DirectoryKind, rows: Record<string, string | number | boolean | null | undefined>[]): string {
  const cols = CSV_COLUMNS[kind];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

function directoryFiles(clinic: Clinic, assignments: Assignment[]): Record<DirectoryKind, string> {
  const iso = (t: number | null) => (t === null ? '' : toParisIso(t));
  return {
    staff: csv(
      'staff',
      clinic.staff.map((s) => ({
        id: s.id,
        title: s.title,
        givenName: s.givenName,
        familyName: s.familyName,
        birthName: s.birthName,
        birthDate: s.birthDate,
        department: s.department.name,
        profession: PROFESSIONS[s.role],
        accountType: s.accountType,
        status: s.endAt !== null && s.endAt <= clinic.start ? 'terminated' : 'active',
        endDate: iso(s.endAt),
        lastLoginAt: iso(s.lastLoginAt),
        addressLine: s.addressLine,
        postcode: s.postcode,
        city: s.city,
      })),
    ),
    patients: csv(
      'patients',
      clinic.patients.map((p) => ({
        ...p,
        vip: p.vip ? 'true' : 'false',
        deceasedDate: iso(p.deceasedAt),
        staffId: p.staffId,
      })),
    ),
    encounters: csv(
      'encounters',
      clinic.encounters.map((e) => ({
        id: e.id,
        patientId: e.patientId,
        department: e.department,
        kind: e.kind,
        start: iso(e.startAt),
        end: iso(e.endAt),
      })),
    ),
    assignments: csv(
      'assignments',
      assignments.map((a) => ({
        id: a.id,
        userId: a.userId,
        patientId: a.patientId,
        start: iso(a.startAt),
        end: iso(a.endAt),
        reason: a.reason,
      })),
    ),
    workstations: csv(
      'workstations',
      clinic.workstations.map((w) => ({
        id: w.id,
        site: SITES[w.site].name,
        department: w.department,
        latitude: SITES[w.site].latitude,
        longitude: SITES[w.site].longitude,
      })),
    ),
  };
}

/** The directory exactly as Vigie would import it (same parser, same validation). */
export function indexOf(files: Record<DirectoryKind, string>, now: number): DirectoryIndex {
  const rows = Object.fromEntries(
    (Object.keys(files) as DirectoryKind[]).map((kind) => {
      const { valid, rejected } = validateRows(kind, parseImport(kind, 'csv', files[kind]).rows, now);
      if (rejected.length)
        throw new Error(`simulator wrote a bad ${kind} row: ${rejected[0]!.at} ${rejected[0]!.problems.join('; ')}`);
      return [kind, valid.map((v) => v.row)];
    }),
  );
  return new DirectoryIndex(0, rows as never);
}

export function eventLine(e: SimEvent): string {
  return JSON.stringify({
    time: toParisIso(e.t),
    user: e.user,
    action: e.action,
    outcome: e.outcome,
    ...(e.patient ? { patient: e.patient } : {}),
    application: APPLICATION,
    workstation: e.workstation,
    address: e.address,
    department: e.department,
    ...(e.context ? { context: e.context } : {}),
  });
}

export function simulate(options: SimulateOptions): Simulation {
  const rng = new Rng(options.seed);
  const clinic = buildClinic(rng.fork('clinic'), {
    staff: options.staff,
    patients: options.patients,
    days: options.days,
    startDate: options.start,
  });
  const activity = new Activity(clinic, rng.fork('activity'));
  activity.work();
  const dirFiles = directoryFiles(clinic, activity.assignments);
  const index = indexOf(dirFiles, clinic.start);
  const incidents = injectIncidents(activity, index, rng.fork('incidents'));

  // The log in time order (ties keep the order they were made in); line numbers are the event ids of the truth.
  const order = activity.events.map((e, i) => [e, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]);
  const line = new Map<SimEvent, number>();
  const lines = order.map(([e], i) => {
    line.set(e, i + 1);
    return eventLine(e);
  });
  const perRule: Record<string, number> = {};
  for (const i of incidents) perRule[i.rule] = (perRule[i.rule] ?? 0) + 1;
  const truth = {
    seed: options.seed,
    staff: options.staff,
    patients: options.patients,
    days: options.days,
    start: options.start,
    events: lines.length,
    eventIds: 'line numbers (1-based) in events.ndjson',
    perRule,
    incidents: incidents.map((i) => ({
      id: i.id,
      rule: i.rule,
      user: i.user,
      patient: i.patient,
      workstation: i.workstation,
      eventIds: i.events.map((e) => line.get(e)!).sort((a, b) => a - b),
    })),
  };
  return {
    files: {
      'staff.csv': dirFiles.staff,
      'patients.csv': dirFiles.patients,
      'encounters.csv': dirFiles.encounters,
      'assignments.csv': dirFiles.assignments,
      'workstations.csv': dirFiles.workstations,
      'events.ndjson': lines.join('\n') + '\n',
      'truth.json': JSON.stringify(truth, null, 2) + '\n',
    },
    events: lines.length,
    incidents,
  };
}
