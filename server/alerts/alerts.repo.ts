import type { Executor } from '../store/db.ts';
import type { AlertsTable, AlertStatus, Severity } from './alerts.tables.ts';

export type AlertRow = Omit<AlertsTable, 'id'> & { id: number };
export type NewAlertRow = Omit<AlertsTable, 'id'>;

export const ALERT_COLUMNS = [
  'id',
  'origin',
  'rule',
  'severity',
  'status',
  'title',
  'titleEn',
  'explanation',
  'fingerprint',
  'count',
  'firstSeenAt',
  'lastSeenAt',
  'createdAt',
  'updatedAt',
  'userId',
  'patientId',
  'host',
  'sourceId',
  'details',
  'reportedBy',
] as const;

/** What a reporter's own list needs of a report (never the analysts' fields). */
export const REPORT_COLUMNS = [
  'id',
  'status',
  'severity',
  'firstSeenAt',
  'createdAt',
  'updatedAt',
  'patientId',
  'details',
] as const;
export type ReportRow = Pick<AlertRow, (typeof REPORT_COLUMNS)[number]>;

export interface AlertFilter {
  rules?: string[];
  severities?: Severity[];
  statuses?: AlertStatus[];
  userId?: string;
  notRules?: string[];
  notUserId?: string;
  /** Activity overlapping [from, to]: first seen before `to`, last seen after `from`. */
  from?: number;
  to?: number;
  /** Newest first: ids below this one. */
  beforeId?: number;
}

// Rows (or fingerprints) per statement of a batch: a fixed size keeps the
// statement's text the same from batch to batch, so SQLite's is prepared once.
const CHUNK = 100;

export function createAlertsRepo() {
  return {
    async insert(db: Executor, row: NewAlertRow): Promise<AlertRow> {
      return db
        .insertInto('alerts')
        .values(row)
        .returning(ALERT_COLUMNS)
        .executeTakeFirstOrThrow() as Promise<AlertRow>;
    },
    /** The open alert a repeat folds into: same fingerprint, seen within the window. */
    async findFoldTarget(db: Executor, fingerprint: string, since: number): Promise<AlertRow | undefined> {
      return db
        .selectFrom('alerts')
        .select(ALERT_COLUMNS)
        .where('fingerprint', '=', fingerprint)
        .where('lastSeenAt', '>=', since)
        .where('status', 'in', ['new', 'acknowledged'])
        .orderBy('lastSeenAt', 'desc')
        .limit(1)
        .executeTakeFirst() as Promise<AlertRow | undefined>;
    },
    /** Adds `by` repeats; the alert's span widens to `firstSeenAt`…`lastSeenAt` (repeats may arrive out of time order). */
    async fold(
      db: Executor,
      id: number,
      by: number,
      lastSeenAt: number,
      now: number,
      firstSeenAt?: number,
    ): Promise<AlertRow> {
      return db
        .updateTable('alerts')
        .set((eb) => ({
          count: eb('count', '+', by),
          lastSeenAt,
          ...(firstSeenAt !== undefined ? { firstSeenAt } : {}),
          updatedAt: now,
        }))
        .where('id', '=', id)
        .returning(ALERT_COLUMNS)
        .executeTakeFirstOrThrow() as Promise<AlertRow>;
    },
    /**
     * The open alert seen last for each fingerprint (the highest id on a tie),
     * among those seen since the fingerprint's `since`: the fold targets of a batch.
     */
    async latestOpen(db: Executor, since: ReadonlyMap<string, number>): Promise<AlertRow[]> {
      const best = new Map<string, AlertRow>();
      const fingerprints = [...since.keys()];
      for (let i = 0; i < fingerprints.length; i += CHUNK) {
        const chunk = fingerprints.slice(i, i + CHUNK);
        const rows = (await db
          .selectFrom('alerts')
          .select(ALERT_COLUMNS)
          .where('fingerprint', 'in', chunk)
          .where('lastSeenAt', '>=', Math.min(...chunk.map((f) => since.get(f)!)))
          .execute()) as AlertRow[];
        for (const row of rows) {
          // Open ones only, decided here: a status condition in the query lets a planner walk
          // the status index (every open alert) instead of one fingerprint range per value.
          if (row.status !== 'new' && row.status !== 'acknowledged') continue;
          const kept = best.get(row.fingerprint);
          if (!kept || row.lastSeenAt > kept.lastSeenAt || (row.lastSeenAt === kept.lastSeenAt && row.id > kept.id))
            best.set(row.fingerprint, row);
        }
      }
      return [...best.values()].filter((row) => row.lastSeenAt >= since.get(row.fingerprint)!);
    },
    /** Inserts rows by chunks and returns their ids, in the rows' order. */
    async insertMany(db: Executor, rows: readonly NewAlertRow[]): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        // Ids are assigned in VALUES order; RETURNING's order is not promised, hence the sort, and the check.
        const back = (await db.insertInto('alerts').values(chunk).returning(['id', 'fingerprint']).execute()).sort(
          (a, b) => a.id - b.id,
        );
        if (back.length !== chunk.length || back.some((r, j) => r.fingerprint !== chunk[j]!.fingerprint))
          throw new Error('alerts.insertMany: ids do not follow the rows');
        ids.push(...back.map((r) => r.id));
      }
      return ids;
    },
    async addEvidenceMany(db: Executor, pairs: readonly { alertId: number; eventId: number }[]): Promise<void> {
      for (let i = 0; i < pairs.length; i += CHUNK) {
        await db
          .insertInto('alert_evidence')
          .values(pairs.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(['alertId', 'eventId']).doNothing())
          .execute();
      }
    },
    async addEvidence(db: Executor, alertId: number, eventIds: readonly number[]): Promise<void> {
      const ids = [...new Set(eventIds)];
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .insertInto('alert_evidence')
          .values(ids.slice(i, i + 500).map((eventId) => ({ alertId, eventId })))
          .onConflict((oc) => oc.columns(['alertId', 'eventId']).doNothing())
          .execute();
      }
    },
    async findById(db: Executor, id: number): Promise<AlertRow | undefined> {
      return db.selectFrom('alerts').select(ALERT_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<
        AlertRow | undefined
      >;
    },
    async evidenceOf(db: Executor, alertId: number, limit = 100_000): Promise<number[]> {
      const rows = await db
        .selectFrom('alert_evidence')
        .select('eventId')
        .where('alertId', '=', alertId)
        .orderBy('eventId')
        .limit(limit)
        .execute();
      return rows.map((r) => r.eventId);
    },
    async evidenceCount(db: Executor, alertId: number): Promise<number> {
      const r = await db
        .selectFrom('alert_evidence')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('alertId', '=', alertId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** A page of alerts, newest first. */
    async list(db: Executor, filter: AlertFilter, limit: number): Promise<AlertRow[]> {
      let q = db.selectFrom('alerts').select(ALERT_COLUMNS);
      if (filter.rules?.length) q = q.where('rule', 'in', filter.rules);
      if (filter.severities?.length) q = q.where('severity', 'in', filter.severities);
      if (filter.statuses?.length) q = q.where('status', 'in', filter.statuses);
      if (filter.userId) q = q.where('userId', '=', filter.userId);
      if (filter.notRules?.length) q = q.where('rule', 'not in', filter.notRules);
      if (filter.notUserId)
        q = q.where((eb) => eb.or([eb('userId', 'is', null), eb('userId', '!=', filter.notUserId!)]));
      if (filter.from !== undefined) q = q.where('lastSeenAt', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('firstSeenAt', '<=', filter.to);
      if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute() as Promise<AlertRow[]>;
    },

    /** The reports this user filed, newest first (ids below `beforeId`). */
    async listReportedBy(db: Executor, userId: string, limit: number, beforeId?: number): Promise<ReportRow[]> {
      let q = db
        .selectFrom('alerts')
        .select(REPORT_COLUMNS)
        .where('reportedBy', '=', userId)
        .where('origin', '=', 'report');
      if (beforeId !== undefined) q = q.where('id', '<', beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute() as Promise<ReportRow[]>;
    },

    /** Alerts raised before this one for these users (and this rule, when given). */
    async countEarlier(db: Executor, beforeId: number, userIds: readonly string[], rule?: string): Promise<number> {
      if (!userIds.length) return 0;
      let q = db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', '<', beforeId)
        .where('userId', 'in', [...userIds]);
      if (rule) q = q.where('rule', '=', rule);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    /** Every detection alert with its evidence (bench scoring and the restart test). */
    async allWithEvidence(db: Executor, origin = 'detection'): Promise<(AlertRow & { evidence: number[] })[]> {
      const alerts = (await db
        .selectFrom('alerts')
        .select(ALERT_COLUMNS)
        .where('origin', '=', origin as never)
        .orderBy('id')
        .execute()) as AlertRow[];
      const ev = await db
        .selectFrom('alert_evidence')
        .innerJoin('alerts', 'alerts.id', 'alert_evidence.alertId')
        .select(['alert_evidence.alertId', 'alert_evidence.eventId'])
        .where('alerts.origin', '=', origin as never)
        .execute();
      const byAlert = new Map<number, number[]>();
      for (const e of ev) {
        const list = byAlert.get(e.alertId);
        if (list) list.push(e.eventId);
        else byAlert.set(e.alertId, [e.eventId]);
      }
      return alerts.map((a) => ({ ...a, evidence: (byAlert.get(a.id) ?? []).sort((x, y) => x - y) }));
    },
  };
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
