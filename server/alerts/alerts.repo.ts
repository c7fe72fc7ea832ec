import type { Executor } from '../store/db.ts';
import type { AlertsTable } from './alerts.tables.ts';

export type AlertRow = Omit<AlertsTable, 'id'> & { id: number };
export type NewAlertRow = Omit<AlertsTable, 'id'>;

export const ALERT_COLUMNS = [
  'id', 'origin', 'rule', 'severity', 'status', 'title', 'explanationFr', 'explanationEn', 'fingerprint', 'count',
  'firstSeenAt', 'lastSeenAt', 'createdAt', 'updatedAt', 'userId', 'patientId', 'host', 'sourceId', 'details',
] as const;

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
    async fold(db: Executor, id: number, by: number, lastSeenAt: number, now: number): Promise<AlertRow> {
      return db
        .updateTable('alerts')
        .set((eb) => ({ count: eb('count', '+', by), lastSeenAt, updatedAt: now }))
        .where('id', '=', id)
        .returning(ALERT_COLUMNS)
        .executeTakeFirstOrThrow() as Promise<AlertRow>;
    },
    async addEvidence(db: Executor, alertId: number, eventIds: readonly number[]): Promise<void> {
      if (!eventIds.length) return;
      await db
        .insertInto('alert_evidence')
        .values([...new Set(eventIds)].map((eventId) => ({ alertId, eventId })))
        .onConflict((oc) => oc.columns(['alertId', 'eventId']).doNothing())
        .execute();
    },
    async findById(db: Executor, id: number): Promise<AlertRow | undefined> {
      return db.selectFrom('alerts').select(ALERT_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<AlertRow | undefined>;
    },
    async evidenceOf(db: Executor, alertId: number): Promise<number[]> {
      const rows = await db.selectFrom('alert_evidence').select('eventId').where('alertId', '=', alertId).orderBy('eventId').execute();
      return rows.map((r) => r.eventId);
    },
  };
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
