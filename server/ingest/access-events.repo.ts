import { PostgresAdapter, sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { AccessAction, AccessEventsTable } from './ingest.tables.ts';
import { TIMELINES } from './pipeline/timelines.ts';

export type AccessEventRow = Omit<AccessEventsTable, 'id'> & { id: number };
export type NewAccessEventRow = Omit<AccessEventsTable, 'id'>;

export const ACCESS_EVENT_COLUMNS = [
  'id',
  'occurredAt',
  'occurredAtText',
  'receivedAt',
  'sourceId',
  'userId',
  'action',
  'outcome',
  'patientId',
  'application',
  'workstation',
  'address',
  'department',
  'context',
] as const;

/** What the detector reads of an event: half the columns, twice the speed on a month of events. */
export const DETECTION_EVENT_COLUMNS = [
  'id',
  'occurredAt',
  'userId',
  'action',
  'outcome',
  'patientId',
  'workstation',
  'address',
  'department',
  'context',
] as const;
export type DetectionEventRow = Pick<AccessEventRow, (typeof DETECTION_EVENT_COLUMNS)[number]>;

/** The explorer's filters (exact matches; `from` inclusive, `to` exclusive, epoch ms). */
export interface AccessEventFilter {
  user?: string;
  patient?: string;
  actions?: readonly AccessAction[];
  outcome?: 'success' | 'failure';
  application?: string;
  department?: string;
  sourceId?: string;
  from?: number;
  to?: number;
  /** Exclusions ("filtrer sur / exclure"): rows whose value differs (or is empty). */
  not?: { user?: string; actions?: readonly AccessAction[]; application?: string; department?: string };
}

/** Keyset position: the last row of the previous page (newest first). */
export interface EventCursor {
  occurredAt: number;
  id: number;
}

type Q<O> = SelectQueryBuilder<Database, 'access_events', O>;

/** The bulk of an EHR audit trail; every other action is rare (a percent or less). */
const COMMON_ACTIONS = new Set<AccessAction>(['read', 'update', 'create', 'login', 'logout']);

type Column = 'userId' | 'patientId' | 'action' | 'outcome' | 'application' | 'department' | 'sourceId' | 'occurredAt';
/** `+column`: the same value, but SQLite will not use an index for it. */
const unindexed = (c: Column) => sql<any>`+${sql.ref(c)}`;

/**
 * The filter's conditions. `mode: 'scan'` (SQLite's timeline tail) writes every
 * column as `+column`, so the planner keeps to the id range it is given.
 */
function filtered<O>(q: Q<O>, f: AccessEventFilter, sqlite: boolean, mode: 'indexes' | 'scan' = 'indexes'): Q<O> {
  const col = mode === 'scan' ? unindexed : (c: Column) => sql.ref<any>(c);
  // SQLite's planner cannot know that break-the-glass is rare and a department
  // is not: with rare actions only (and no user or patient), steer it to the
  // action index by writing `+department` (no index on an expression). At ten
  // million events this turns seconds into milliseconds (docs/ingest.md).
  // PostgreSQL's statistics see the skew by themselves.
  const rareActions =
    !!f.actions?.length &&
    f.actions.every((a) => !COMMON_ACTIONS.has(a)) &&
    f.user === undefined &&
    f.patient === undefined;
  const department = sqlite && rareActions ? unindexed('department') : col('department');
  if (f.user !== undefined) q = q.where(col('userId'), '=', f.user);
  if (f.patient !== undefined) q = q.where(col('patientId'), '=', f.patient);
  if (f.actions?.length)
    q =
      f.actions.length === 1
        ? q.where(col('action'), '=', f.actions[0]!)
        : q.where(col('action'), 'in', [...f.actions]);
  if (f.outcome !== undefined) q = q.where(col('outcome'), '=', f.outcome);
  if (f.application !== undefined) q = q.where(col('application'), '=', f.application);
  if (f.department !== undefined) q = q.where(department, '=', f.department);
  if (f.sourceId !== undefined) q = q.where(col('sourceId'), '=', f.sourceId);
  if (f.from !== undefined) q = q.where(col('occurredAt'), '>=', f.from);
  if (f.to !== undefined) q = q.where(col('occurredAt'), '<', f.to);
  const not = f.not ?? {};
  const differs =
    (column: 'userId' | 'application' | 'department', value: string) =>
    (eb: ExpressionBuilder<Database, 'access_events'>) =>
      eb.or([eb(col(column), '!=', value), eb(col(column), 'is', null)]);
  if (not.user !== undefined) q = q.where(differs('userId', not.user));
  if (not.application !== undefined) q = q.where(differs('application', not.application));
  if (not.department !== undefined) q = q.where(differs('department', not.department));
  if (not.actions?.length) q = q.where(col('action'), 'not in', [...not.actions]);
  return q;
}

function isSqlite(db: Executor): boolean {
  return !(db.getExecutor().adapter instanceof PostgresAdapter);
}

interface Timeline {
  kind: 'user' | 'patient';
  table: (typeof TIMELINES)[keyof typeof TIMELINES]['table'];
  subject: string;
}

/** The timeline a SQLite search reads (the patient's when both are given: it is the shorter). */
function timelineOf(f: AccessEventFilter): Timeline | undefined {
  if (f.patient !== undefined) return { kind: 'patient', table: TIMELINES.patient.table, subject: f.patient };
  if (f.user !== undefined) return { kind: 'user', table: TIMELINES.user.table, subject: f.user };
  return undefined;
}

/** True when the filter names its timeline's subject, at most a period, and nothing else. */
function onlySubjectAndPeriod(f: AccessEventFilter, kind: Timeline['kind']): boolean {
  const empty = (v: unknown) => v === undefined || (Array.isArray(v) && !v.length);
  const { from: _from, to: _to, not, [kind]: _subject, ...rest } = f;
  return Object.values(rest).every(empty) && Object.values(not ?? {}).every(empty);
}

const indexedThrough = (db: Executor) =>
  db.selectFrom('access_event_timeline_state').select('indexedThrough').where('id', '=', 1);

// A user's or a patient's events on SQLite are read as two arms of one
// statement (one snapshot): those in the timeline table, read in (at, eventId)
// order from its key and joined to their rows, and the tail not yet in it (id
// after `indexedThrough`), read by its id range. Both arms write their filters
// `+column`, so that no other index can lure the planner away from the
// timeline's key or the id range.

/** The timeline's entries of a subject (and period), in key order: untyped, as the timeline tables share one shape. */
function timelineKeys(db: Executor, t: Timeline, f: AccessEventFilter, after?: EventCursor) {
  let q = (db as unknown as Kysely<any>).selectFrom(`${t.table} as t`).where('t.subject', '=', t.subject);
  if (f.from !== undefined) q = q.where('t.at', '>=', f.from);
  if (f.to !== undefined) q = q.where('t.at', '<', f.to);
  if (after) q = q.where((eb) => eb(eb.refTuple('t.at', 't.eventId'), '<', eb.tuple(after.occurredAt, after.id)));
  return q;
}

/** The indexed arm: the timeline's entries joined to their rows, which the other filters check. */
function timelineArm<O>(
  db: Executor,
  t: Timeline,
  f: AccessEventFilter,
  after: EventCursor | undefined,
  select: (q: Q<{}>) => Q<O>,
) {
  // The joined builder reads access_events' columns by their plain names (the
  // timeline's own are subject, at and eventId), which is all `select` and `filtered` use.
  const joined = timelineKeys(db, t, f, after).innerJoin('access_events', 'access_events.id', 't.eventId');
  return filtered(select(joined as unknown as Q<{}>), f, true, 'scan') as unknown as SelectQueryBuilder<any, any, O>;
}

/** The tail arm: the events after `indexedThrough`, by their id range only, however selective an index looks. */
function tailArm<O>(db: Executor, f: AccessEventFilter, after: EventCursor | undefined, select: (q: Q<{}>) => Q<O>) {
  let tail = filtered(select(db.selectFrom('access_events') as unknown as Q<{}>), f, true, 'scan').where(
    'id',
    '>',
    indexedThrough(db),
  );
  if (after)
    tail = tail.where((eb: ExpressionBuilder<Database, 'access_events'>) =>
      eb(eb.tuple(unindexed('occurredAt'), eb.ref('id')), '<', eb.tuple(after.occurredAt, after.id)),
    );
  return tail;
}

export function createAccessEventsRepo() {
  return {
    /** `readAfter` with only the columns the detector uses. */
    async readAfterForDetection(db: Executor, afterId: number, limit: number): Promise<DetectionEventRow[]> {
      return db
        .selectFrom('access_events')
        .select(DETECTION_EVENT_COLUMNS)
        .where('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute() as Promise<DetectionEventRow[]>;
    },
    /** Committed events after `afterId`, in id order: the detector's feed. */
    async readAfter(db: Executor, afterId: number, limit: number): Promise<AccessEventRow[]> {
      return db
        .selectFrom('access_events')
        .select(ACCESS_EVENT_COLUMNS)
        .where('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute() as Promise<AccessEventRow[]>;
    },
    async findByIds(db: Executor, ids: readonly number[]): Promise<AccessEventRow[]> {
      if (!ids.length) return [];
      return db
        .selectFrom('access_events')
        .select(ACCESS_EVENT_COLUMNS)
        .where('id', 'in', [...ids])
        .orderBy('id', 'asc')
        .execute() as Promise<AccessEventRow[]>;
    },
    async findById(db: Executor, id: number): Promise<AccessEventRow | undefined> {
      return db
        .selectFrom('access_events')
        .select(ACCESS_EVENT_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst() as Promise<AccessEventRow | undefined>;
    },

    /** One page of the explorer, newest first, by keyset (occurredAt, id). */
    async search(
      db: Executor,
      filter: AccessEventFilter,
      after: EventCursor | undefined,
      limit: number,
    ): Promise<AccessEventRow[]> {
      const timeline = isSqlite(db) ? timelineOf(filter) : undefined;
      if (timeline) {
        const select = (q: Q<{}>) => q.select(ACCESS_EVENT_COLUMNS);
        const a = timelineArm(db, timeline, filter, after, select)
          .orderBy('t.at', 'desc')
          .orderBy('t.eventId', 'desc')
          .limit(limit);
        // Ordered by `+occurredAt`: the time index would otherwise be walked for its order, far past the tail.
        const b = tailArm(db, filter, after, select)
          .orderBy(unindexed('occurredAt'), 'desc')
          .orderBy('id', 'desc')
          .limit(limit);
        const r =
          await sql<AccessEventRow>`select * from (${a}) union all select * from (${b}) order by "occurredAt" desc, "id" desc limit ${limit}`.execute(
            db,
          );
        return r.rows;
      }
      let q = filtered(db.selectFrom('access_events').select(ACCESS_EVENT_COLUMNS), filter, isSqlite(db));
      if (after)
        q = q.where((eb: ExpressionBuilder<Database, 'access_events'>) =>
          eb(eb.refTuple('occurredAt', 'id'), '<', eb.tuple(after.occurredAt, after.id)),
        );
      return q.orderBy('occurredAt', 'desc').orderBy('id', 'desc').limit(limit).execute() as Promise<AccessEventRow[]>;
    },

    /** How many rows match, counted up to `cap` (beyond it the answer is `cap + 1`: "more than cap"). */
    async countUpTo(db: Executor, filter: AccessEventFilter, cap: number): Promise<number> {
      const timeline = isSqlite(db) ? timelineOf(filter) : undefined;
      if (timeline) {
        const select = (q: Q<{}>) => q.select('access_events.id' as 'id');
        // Nothing but the subject and a period: the timeline alone answers, without reading the rows.
        const indexed: SelectQueryBuilder<any, any, unknown> = onlySubjectAndPeriod(filter, timeline.kind)
          ? timelineKeys(db, timeline, filter).select('t.eventId')
          : timelineArm(db, timeline, filter, undefined, select);
        const tail = tailArm(db, filter, undefined, select);
        const r = await sql<{
          n: number;
        }>`select (select count(*) from (${indexed.limit(cap + 1)})) + (select count(*) from (${tail.limit(cap + 1)})) as n`.execute(
          db,
        );
        return Math.min(Number(r.rows[0]!.n), cap + 1);
      }
      const inner = filtered(db.selectFrom('access_events').select('id'), filter, isSqlite(db)).limit(cap + 1);
      const r = await db
        .selectFrom(inner.as('m'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Deletes up to `limit` of the oldest events that happened before `before`; returns how many. */
    async purgeBatch(db: Executor, before: number, limit: number): Promise<number> {
      if (isSqlite(db)) {
        // The events and, first, their timeline entries, found by their full key.
        const rows = await db
          .selectFrom('access_events')
          .select(['id', 'occurredAt', 'userId', 'patientId'])
          .where('occurredAt', '<', before)
          .orderBy('occurredAt')
          .limit(limit)
          .execute();
        if (!rows.length) return 0;
        for (let i = 0; i < rows.length; i += 300) {
          const part = rows.slice(i, i + 300);
          for (const [table, key] of [
            [TIMELINES.user.table, 'userId'],
            [TIMELINES.patient.table, 'patientId'],
          ] as const) {
            const keyed = part.filter((r) => r[key] !== null);
            if (!keyed.length) continue;
            await db
              .deleteFrom(table)
              .where((eb) =>
                eb.or(
                  keyed.map((r) =>
                    eb.and([eb('subject', '=', r[key]!), eb('at', '=', r.occurredAt), eb('eventId', '=', r.id)]),
                  ),
                ),
              )
              .execute();
          }
          const r = await db
            .deleteFrom('access_events')
            .where(
              'id',
              'in',
              part.map((p) => p.id),
            )
            .executeTakeFirst();
          if (Number(r.numDeletedRows) !== part.length) throw new Error('access events changed during their purge');
        }
        return rows.length;
      }
      const ids = db
        .selectFrom('access_events')
        .select('id')
        .where('occurredAt', '<', before)
        .orderBy('occurredAt')
        .limit(limit);
      const r = await db.deleteFrom('access_events').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type AccessEventsRepo = ReturnType<typeof createAccessEventsRepo>;
