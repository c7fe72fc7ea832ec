import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { AuditEntriesTable } from './audit.tables.ts';

export type AuditEntryRow = AuditEntriesTable;

const COLUMNS = [
  'seq',
  'at',
  'actor',
  'requestId',
  'address',
  'action',
  'targetType',
  'targetId',
  'details',
  'prevHash',
  'hash',
] as const;

/** What a reader asks for; every member narrows the result. */
export interface AuditFilter {
  /** Exact actor label: `user:<id>`, `system`, `source:<id>`, `cli`… */
  actor?: string;
  /** Ending with a dot (`user.`): every action starting with it; otherwise that action exactly. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** The reader's scope: only these target types (null/undefined = all). */
  targetTypes?: readonly string[] | null;
  /** Exclusions: entries with this actor, action (exact, or a prefix ending with a dot) or target type are left out. */
  not?: { actor?: string; action?: string; targetType?: string };
}

/** A position in the log, which is ordered by time then sequence number. */
export interface AuditCursor {
  at: number;
  seq: number;
}

export interface PageRequest {
  /** Exclusive: the page starts after this entry, in the order asked. */
  after?: AuditCursor;
  limit: number;
  /** `desc` = newest first (the screen); `asc` = oldest first (exports). */
  order: 'asc' | 'desc';
}

type Query = SelectQueryBuilder<Database, 'audit_entries', Pick<AuditEntryRow, (typeof COLUMNS)[number]>>;

// Every secondary index ends with (at, seq) — see migration 0009 — so one value
// of actor, action or target type is a single ordered index range: no sort,
// whatever the volume. A disjunction (an action prefix, the analyst's set of
// target types) is read as one such range per value, merged here: neither
// planner merges ordered ranges by itself, and sorting every match is what
// made those pages slow over millions of entries.
function applyFilter(q: Query, f: AuditFilter, split?: { column: 'action' | 'targetType'; value: string }): Query {
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (split) q = q.where(split.column, '=', split.value);
  if (f.action !== undefined && !f.action.endsWith('.')) q = q.where('action', '=', f.action);
  if (f.targetType !== undefined) q = q.where('targetType', '=', f.targetType);
  if (f.targetId !== undefined) q = q.where('targetId', '=', f.targetId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.not?.actor !== undefined) q = q.where('actor', '<>', f.not.actor);
  if (f.not?.action !== undefined) {
    const a = f.not.action;
    q = a.endsWith('.')
      ? q.where((eb) => eb.not(eb(eb.fn('substr', ['action', eb.val(1), eb.val(a.length)]), '=', a)))
      : q.where('action', '<>', a);
  }
  // An entry without a target is not of the excluded type.
  if (f.not?.targetType !== undefined)
    q = q.where((eb) => eb.or([eb('targetType', 'is', null), eb('targetType', '<>', f.not!.targetType!)]));
  if (f.targetTypes && split?.column !== 'targetType')
    q = f.targetTypes.length ? q.where('targetType', 'in', f.targetTypes) : q.where(sql<boolean>`1 = 0`);
  return q;
}

const byPosition = (order: 'asc' | 'desc') => (a: AuditEntryRow, b: AuditEntryRow) =>
  (order === 'desc' ? -1 : 1) * (a.at - b.at || a.seq - b.seq);

export function createAuditRepo() {
  /** Every distinct action, by a loose index scan: one index seek per action, not a scan of the table. */
  async function distinctActions(db: Executor): Promise<string[]> {
    const { rows } = await sql<{ action: string | null }>`
      with recursive t(action) as (
        select (select action from audit_entries order by action limit 1)
        union all
        select (select a.action from audit_entries a where a.action > t.action order by a.action limit 1) from t where t.action is not null
      )
      select action from t where action is not null`.execute(db);
    return rows.map((r) => r.action!);
  }

  async function page(db: Executor, filter: AuditFilter, req: PageRequest): Promise<AuditEntryRow[]> {
    const run = (split?: { column: 'action' | 'targetType'; value: string }) => {
      let q = applyFilter(db.selectFrom('audit_entries').select(COLUMNS), filter, split);
      if (req.after)
        q = q.where((eb) =>
          eb(eb.refTuple('at', 'seq'), req.order === 'desc' ? '<' : '>', eb.tuple(req.after!.at, req.after!.seq)),
        );
      return q.orderBy('at', req.order).orderBy('seq', req.order).limit(req.limit).execute();
    };
    const merge = async (column: 'action' | 'targetType', values: readonly string[]) => {
      const parts = await Promise.all(values.map((value) => run({ column, value })));
      return parts.flat().sort(byPosition(req.order)).slice(0, req.limit);
    };
    if (filter.action?.endsWith('.')) {
      const prefix = filter.action;
      const actions = (await distinctActions(db)).filter((a) => a.startsWith(prefix));
      return actions.length ? merge('action', actions) : [];
    }
    // A single equality already picks an ordered index; the set of types is then a mere filter.
    const hasEquality = filter.actor !== undefined || filter.targetType !== undefined || filter.action !== undefined;
    if (filter.targetTypes && !hasEquality) return merge('targetType', filter.targetTypes);
    return run();
  }

  return {
    async head(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
      return db.selectFrom('audit_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    },
    async insert(db: Executor, row: AuditEntryRow): Promise<void> {
      await db.insertInto('audit_entries').values(row).execute();
    },
    /** Rows in chain order, by chunks of a fixed size (the same statement text from batch to batch: SQLite prepares it once). */
    async insertMany(db: Executor, rows: readonly AuditEntryRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('audit_entries')
          .values(rows.slice(i, i + 100))
          .execute();
    },
    /** Entries in chain order from `afterSeq` (exclusive), for verification. */
    async range(db: Executor, afterSeq: number, limit: number): Promise<AuditEntryRow[]> {
      return db
        .selectFrom('audit_entries')
        .select(COLUMNS)
        .where('seq', '>', afterSeq)
        .orderBy('seq', 'asc')
        .limit(limit)
        .execute();
    },
    async bySeq(db: Executor, seq: number): Promise<AuditEntryRow | undefined> {
      return db.selectFrom('audit_entries').select(COLUMNS).where('seq', '=', seq).executeTakeFirst();
    },
    /** One page of the log under a filter, in time order, by keyset. */
    page,
    distinctActions,
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
