import type { Executor } from '../store/db.ts';
import type { AlertsTable, AlertStatus, Severity } from './alerts.tables.ts';

export type AlertRow = Omit<AlertsTable, 'id'> & { id: number };
export type NewAlertRow = Omit<AlertsTable, 'id'>;

export const ALERT_COLUMNS = [
  'id', 'origin', 'rule', 'severity', 'status', 'title', 'titleEn', 'explanationFr', 'explanationEn', 'fingerprint', 'count',
  'firstSeenAt', 'lastSeenAt', 'createdAt', 'updatedAt', 'userId', 'patientId', 'host', 'sourceId', 'details', 'reportedBy',
] as const;

/** What a reporter's own list needs of a report (never the analysts' fields). */
export const REPORT_COLUMNS = ['id', 'status', 'severity', 'firstSeenAt', 'createdAt', 'updatedAt', 'patientId', 'details'] as const;
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

export function createAlertsRepo() {
  return {
    async insert(db: Executor, row: NewAlertRow): Promise<AlertRow> {
      return db.insertInto('alerts').values(row).returning(ALERT_COLUMNS).executeTakeFirstOrThrow() as Promise<AlertRow>;
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
    async fold(db: Executor, id: number, by: number, lastSeenAt: number, now: number, firstSeenAt?: number): Promise<AlertRow> {
      return db
        .updateTable('alerts')
        .set((eb) => ({ count: eb('count', '+', by), lastSeenAt, ...(firstSeenAt !== undefined ? { firstSeenAt } : {}), updatedAt: now }))
        .where('id', '=', id)
        .returning(ALERT_COLUMNS)
        .executeTakeFirstOrThrow() as Promise<AlertRow>;
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
      return db.selectFrom('alerts').select(ALERT_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<AlertRow | undefined>;
    },
    async evidenceOf(db: Executor, alertId: number, limit = 100_000): Promise<number[]> {
      const rows = await db.selectFrom('alert_evidence').select('eventId').where('alertId', '=', alertId).orderBy('eventId').limit(limit).execute();
      return rows.map((r) => r.eventId);
    },
    async evidenceCount(db: Executor, alertId: number): Promise<number> {
      const r = await db.selectFrom('alert_evidence').select((eb) => eb.fn.countAll<number>().as('n')).where('alertId', '=', alertId).executeTakeFirstOrThrow();
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
      if (filter.notUserId) q = q.where((eb) => eb.or([eb('userId', 'is', null), eb('userId', '!=', filter.notUserId!)]));
      if (filter.from !== undefined) q = q.where('lastSeenAt', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('firstSeenAt', '<=', filter.to);
      if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute() as Promise<AlertRow[]>;
    },

    /** The reports this user filed, newest first (ids below `beforeId`). */
    async listReportedBy(db: Executor, userId: string, limit: number, beforeId?: number): Promise<ReportRow[]> {
      let q = db.selectFrom('alerts').select(REPORT_COLUMNS).where('reportedBy', '=', userId).where('origin', '=', 'report');
      if (beforeId !== undefined) q = q.where('id', '<', beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute() as Promise<ReportRow[]>;
    },

    /** Alerts raised before this one for these users (and this rule, when given). */
    async countEarlier(db: Executor, beforeId: number, userIds: readonly string[], rule?: string): Promise<number> {
      if (!userIds.length) return 0;
      let q = db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '<', beforeId).where('userId', 'in', [...userIds]);
      if (rule) q = q.where('rule', '=', rule);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    /** Every detection alert with its evidence (bench scoring and the restart test). */
    async allWithEvidence(db: Executor, origin = 'detection'): Promise<(AlertRow & { evidence: number[] })[]> {
      const alerts = (await db.selectFrom('alerts').select(ALERT_COLUMNS).where('origin', '=', origin as never).orderBy('id').execute()) as AlertRow[];
      const ev = await db.selectFrom('alert_evidence').innerJoin('alerts', 'alerts.id', 'alert_evidence.alertId').select(['alert_evidence.alertId', 'alert_evidence.eventId']).where('alerts.origin', '=', origin as never).execute();
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
