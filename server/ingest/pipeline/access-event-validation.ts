// The hot-path twin of AccessEventRecord (access-event.schemas.ts): the same
// rules and the same first-problem message, about ten times faster than the
// zod schema on flat records. test/server/ingest/validate.test.ts holds the
// two to each other on a generated corpus.
import { ACCESS_ACTIONS, type AccessAction, type AccessEventsTable } from '../ingest.tables.ts';
import { CONTEXT_MAX_CHARS, CONTEXT_TOO_BIG_MESSAGE, NUL_MESSAGE } from './access-event.schemas.ts';
import { futureProblem, ISO_FORMAT_MESSAGE, ISO_REAL_MESSAGE, parseIsoTime, type FutureLimit } from './iso-time.ts';

/** A valid record, in the columns it is stored in (all but those Vigie sets: id, receivedAt, sourceId). */
export type ValidAccessEvent = Omit<AccessEventsTable, 'id' | 'receivedAt' | 'sourceId'>;

const KNOWN = new Set([
  'time',
  'user',
  'action',
  'outcome',
  'patient',
  'application',
  'workstation',
  'address',
  'department',
  'context',
]);
const ACTIONS = new Set<string>(ACCESS_ACTIONS);
const ACTION_MESSAGE = `action: Invalid option: expected one of ${ACCESS_ACTIONS.map((a) => JSON.stringify(a)).join('|')}`;
const OUTCOME_MESSAGE = 'outcome: Invalid option: expected one of "success"|"failure"';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A nullish text field: null, or a trimmed string of 1..max characters. Throws the reason. */
function optionalText(record: Record<string, unknown>, key: string, max: number): string | null {
  const v = record[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw `${key}: Invalid input: expected string, received ${typeName(v)}`;
  const s = v.trim();
  if (s.length < 1) throw `${key}: Too small: expected string to have >=1 characters`;
  if (s.length > max) throw `${key}: Too big: expected string to have <=${max} characters`;
  if (s.includes('\u0000')) throw `${key}: ${NUL_MESSAGE}`;
  return s;
}

/** The record as stored, or the reason it is refused (a string); `limit` bounds its time in the future. */
export function validateAccessEvent(value: unknown, limit?: FutureLimit): ValidAccessEvent | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `Invalid input: expected object, received ${typeName(value)}`;
  const r = value as Record<string, unknown>;
  try {
    const time = r.time;
    if (typeof time !== 'string') throw `time: Invalid input: expected string, received ${typeName(time)}`;
    const occurredAt = parseIsoTime(time);
    if (occurredAt === 'format') throw `time: ${ISO_FORMAT_MESSAGE}`;
    if (occurredAt === 'calendar') throw `time: ${ISO_REAL_MESSAGE}`;
    if (limit && occurredAt > limit.latest) throw `time: ${futureProblem(occurredAt, limit)}`;
    const userId = optionalText(r, 'user', 128);
    const action = r.action;
    if (typeof action !== 'string' || !ACTIONS.has(action)) throw ACTION_MESSAGE;
    const outcome = r.outcome === undefined ? 'success' : r.outcome;
    if (outcome !== 'success' && outcome !== 'failure') throw OUTCOME_MESSAGE;
    const patientId = optionalText(r, 'patient', 128);
    const application = optionalText(r, 'application', 128);
    const workstation = optionalText(r, 'workstation', 256);
    const address = optionalText(r, 'address', 64);
    const department = optionalText(r, 'department', 128);
    let context: string | null = null;
    const c = r.context;
    if (c !== undefined && c !== null) {
      if (typeof c !== 'object' || Array.isArray(c))
        throw `context: Invalid input: expected record, received ${typeName(c)}`;
      context = JSON.stringify(c);
      if (context.length > CONTEXT_MAX_CHARS) throw `context: ${CONTEXT_TOO_BIG_MESSAGE}`;
    }
    let unknown: string[] | undefined;
    for (const k in r) if (!KNOWN.has(k)) (unknown ??= []).push(k);
    if (unknown)
      throw `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => JSON.stringify(k)).join(', ')}`;
    return {
      occurredAt,
      occurredAtText: time,
      userId,
      action: action as AccessAction,
      outcome,
      patientId,
      application,
      workstation,
      address,
      department,
      context,
    };
  } catch (reason) {
    if (typeof reason === 'string') return reason;
    throw reason;
  }
}
