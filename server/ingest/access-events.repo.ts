import { PostgresAdapter, sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { AccessAction, AccessEventsTable } from './ingest.tables.ts';

export type AccessEventRow = Omit<AccessEventsTable, 'id'> & { id: number };
export type NewAccessEventRow = Omit<AccessEventsTable, 'id'>;

export const ACCESS_EVENT_COLUMNS = [
  'id', 'occurredAt', 'occurredAtText', 'receivedAt', 'sourceId', 'userId', 'action', 'outcome', 'patientId',
  'application', 'workstation', 'address', 'department', 'context',
] as const;

/** What the detector reads of an event: half the columns, twice the speed on a month of events. */
export const DETECTION_EVENT_COLUMNS = ['id', 'occurredAt', 'userId', 'action', 'outcome', 'patientId', 'workstation', 'address', 'department', 'context'] as const;
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

function filtered<O>(q: Q<O>, f: AccessEventFilter, sqlite: boolean): Q<O> {
  // SQLite's planner cannot know that break-the-glass is rare and a department
  // is not: with rare actions only (and no user or patient), steer it to the
  // action index by writing `+department` (no index on an expression). At ten
  // million events this turns seconds into milliseconds (docs/ingest.md).
  // PostgreSQL's statistics see the skew by themselves.
  const rareActions = !!f.actions?.length && f.actions.every((a) => !COMMON_ACTIONS.has(a)) && f.user === undefined && f.patient === undefined;
  const department = sqlite && rareActions ? sql<string>`+${sql.ref('department')}` : sql.ref<string>('department');
  if (f.user !== undefined) q = q.where('userId', '=', f.user);
  if (f.patient !== undefined) q = q.where('patientId', '=', f.patient);
  if (f.actions?.length) q = f.actions.length === 1 ? q.where('action', '=', f.actions[0]!) : q.where('action', 'in', [...f.actions]);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.application !== undefined) q = q.where('application', '=', f.application);
  if (f.department !== undefined) q = q.where(department, '=', f.department);
  if (f.sourceId !== undefined) q = q.where('sourceId', '=', f.sourceId);
  if (f.from !== undefined) q = q.where('occurredAt', '>=', f.from);
  if (f.to !== undefined) q = q.where('occurredAt', '<', f.to);
  const not = f.not ?? {};
  const differs = (column: 'userId' | 'application' | 'department', value: string) => (eb: ExpressionBuilder<Database, 'access_events'>) => eb.or([eb(column, '!=', value), eb(column, 'is', null)]);
  if (not.user !== undefined) q = q.where(differs('userId', not.user));
  if (not.application !== undefined) q = q.where(differs('application', not.application));
  if (not.department !== undefined) q = q.where(differs('department', not.department));
  if (not.actions?.length) q = q.where('action', 'not in', [...not.actions]);
  return q;
}

function isSqlite(db: Executor): boolean {
  return !(db.getExecutor().adapter instanceof PostgresAdapter);
}

export function createAccessEventsRepo() {
  return {
    /** `readAfter` with only the columns the detector uses. */
    async readAfterForDetection(db: Executor, afterId: number, limit: number): Promise<DetectionEventRow[]> {
      return db.selectFrom('access_events').select(DETECTION_EVENT_COLUMNS).where('id', '>', afterId).orderBy('id', 'asc').limit(limit).execute() as Promise<DetectionEventRow[]>;
    },
    /** Committed events after `afterId`, in id order: the detector's feed. */
    async readAfter(db: Executor, afterId: number, limit: number): Promise<AccessEventRow[]> {
      return db.selectFrom('access_events').select(ACCESS_EVENT_COLUMNS).where('id', '>', afterId).orderBy('id', 'asc').limit(limit).execute() as Promise<AccessEventRow[]>;
    },
    async findByIds(db: Executor, ids: readonly number[]): Promise<AccessEventRow[]> {
      if (!ids.length) return [];
      return db.selectFrom('access_events').select(ACCESS_EVENT_COLUMNS).where('id', 'in', [...ids]).orderBy('id', 'asc').execute() as Promise<AccessEventRow[]>;
    },
    async findById(db: Executor, id: number): Promise<AccessEventRow | undefined> {
      return db.selectFrom('access_events').select(ACCESS_EVENT_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<AccessEventRow | undefined>;
    },

    /** One page of the explorer, newest first, by keyset (occurredAt, id). */
    async search(db: Executor, filter: AccessEventFilter, after: EventCursor | undefined, limit: number): Promise<AccessEventRow[]> {
      let q = filtered(db.selectFrom('access_events').select(ACCESS_EVENT_COLUMNS), filter, isSqlite(db));
      if (after) q = q.where((eb: ExpressionBuilder<Database, 'access_events'>) => eb(eb.refTuple('occurredAt', 'id'), '<', eb.tuple(after.occurredAt, after.id)));
      return q.orderBy('occurredAt', 'desc').orderBy('id', 'desc').limit(limit).execute() as Promise<AccessEventRow[]>;
    },

    /** How many rows match, counted up to `cap` (beyond it the answer is `cap + 1`: "more than cap"). */
    async countUpTo(db: Executor, filter: AccessEventFilter, cap: number): Promise<number> {
      const inner = filtered(db.selectFrom('access_events').select('id'), filter, isSqlite(db)).limit(cap + 1);
      const r = await db.selectFrom(inner.as('m')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Deletes up to `limit` of the oldest events that happened before `before`; returns how many. */
    async purgeBatch(db: Executor, before: number, limit: number): Promise<number> {
      const ids = db.selectFrom('access_events').select('id').where('occurredAt', '<', before).orderBy('occurredAt').limit(limit);
      const r = await db.deleteFrom('access_events').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type AccessEventsRepo = ReturnType<typeof createAccessEventsRepo>;
