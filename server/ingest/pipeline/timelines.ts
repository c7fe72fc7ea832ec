// A user's and a patient's timelines on SQLite (migration 0011): two tables
// keyed (subject, at, eventId), filled behind the append. The ingest writer
// calls `catchUpTimelines` inside each batch's transaction; once the events
// not yet in the timelines reach a chunk, it adds them in key order — one
// sorted pass, many entries per page dirtied — and moves `indexedThrough`.
// The explorer reads a timeline from these tables up to `indexedThrough` and
// scans the short tail after it (access-events.repo.ts), in one statement, so
// an event is always found exactly once whichever side of the line it is on.
import type SqliteDatabase from 'better-sqlite3';

/** Events gathered before a catch-up: large enough to amortise, small enough that the tail scan stays short. */
export const TIMELINE_CHUNK = 20_000;

export const TIMELINES = {
  user: { table: 'access_event_user_timeline', column: 'userId' },
  patient: { table: 'access_event_patient_timeline', column: 'patientId' },
} as const;

interface Statements {
  through: SqliteDatabase.Statement<[], number>;
  users: SqliteDatabase.Statement<[number, number]>;
  patients: SqliteDatabase.Statement<[number, number]>;
  advance: SqliteDatabase.Statement<[number]>;
}
const prepared = new WeakMap<SqliteDatabase.Database, Statements>();

function statements(raw: SqliteDatabase.Database): Statements {
  let s = prepared.get(raw);
  if (!s) {
    const fill = (t: (typeof TIMELINES)[keyof typeof TIMELINES]) =>
      raw.prepare<[number, number]>(
        `insert into ${t.table} (subject, at, eventId) select ${t.column}, occurredAt, id from access_events where id > ? and id <= ? and ${t.column} is not null order by 1, 2, 3`,
      );
    s = {
      through: raw.prepare<[], number>('select indexedThrough from access_event_timeline_state where id = 1').pluck(),
      users: fill(TIMELINES.user),
      patients: fill(TIMELINES.patient),
      advance: raw.prepare<[number]>('update access_event_timeline_state set indexedThrough = ? where id = 1'),
    };
    prepared.set(raw, s);
  }
  return s;
}

/**
 * Adds the events after `indexedThrough` up to `lastId` to both timelines when
 * there are at least `chunk` of them (0: whatever there is). Call it inside
 * the transaction that appended them. Returns `indexedThrough` afterwards.
 */
export function catchUpTimelines(raw: SqliteDatabase.Database, lastId: number, chunk = TIMELINE_CHUNK): number {
  const s = statements(raw);
  const through = s.through.get() ?? 0;
  if (lastId <= through || lastId - through < Math.max(1, chunk)) return through;
  s.users.run(through, lastId);
  s.patients.run(through, lastId);
  s.advance.run(lastId);
  return lastId;
}
