import type { Executor } from '../store/db.ts';
import type { DetectorStateTable, RuleOverridesTable } from './detection.tables.ts';

export type RuleOverrideRow = RuleOverridesTable;
export type DetectorStateRow = DetectorStateTable;

const OVERRIDE_COLUMNS = [
  'ruleId',
  'enabled',
  'severity',
  'threshold',
  'windowMs',
  'params',
  'updatedAt',
  'updatedBy',
] as const;
const STATE_COLUMNS = ['name', 'cursor', 'snapshotCursor', 'snapshot', 'updatedAt'] as const;

export function createDetectionRepo() {
  return {
    async overrides(db: Executor): Promise<RuleOverrideRow[]> {
      return db.selectFrom('rule_overrides').select(OVERRIDE_COLUMNS).orderBy('ruleId').execute();
    },
    async override(db: Executor, ruleId: string): Promise<RuleOverrideRow | undefined> {
      return db.selectFrom('rule_overrides').select(OVERRIDE_COLUMNS).where('ruleId', '=', ruleId).executeTakeFirst();
    },
    async saveOverride(db: Executor, row: RuleOverrideRow): Promise<void> {
      await db
        .insertInto('rule_overrides')
        .values(row)
        .onConflict((oc) =>
          oc.column('ruleId').doUpdateSet({
            enabled: row.enabled,
            severity: row.severity,
            threshold: row.threshold,
            windowMs: row.windowMs,
            params: row.params,
            updatedAt: row.updatedAt,
            updatedBy: row.updatedBy,
          }),
        )
        .execute();
    },
    async deleteOverride(db: Executor, ruleId: string): Promise<void> {
      await db.deleteFrom('rule_overrides').where('ruleId', '=', ruleId).execute();
    },
    /** Changes whenever an override is saved or removed (other instances reload on it). */
    async overridesVersion(db: Executor): Promise<string> {
      const r = await db
        .selectFrom('rule_overrides')
        .select((eb) => [eb.fn.max('updatedAt').as('at'), eb.fn.countAll<number>().as('n')])
        .executeTakeFirst();
      return `${Number(r?.at ?? 0)}:${Number(r?.n ?? 0)}`;
    },

    async state(db: Executor, name: string): Promise<DetectorStateRow | undefined> {
      return db.selectFrom('detector_state').select(STATE_COLUMNS).where('name', '=', name).executeTakeFirst();
    },
    async cursor(db: Executor, name: string): Promise<number> {
      const r = await db.selectFrom('detector_state').select('cursor').where('name', '=', name).executeTakeFirst();
      return r?.cursor ?? 0;
    },
    /**
     * Moves the cursor from `from` to `to` (and stores a snapshot, when given).
     * Returns false when the cursor was not at `from`: someone else moved it.
     */
    async advance(
      db: Executor,
      name: string,
      from: number,
      to: number,
      now: number,
      snapshot?: { cursor: number; data: string },
    ): Promise<boolean> {
      const existing = await db
        .selectFrom('detector_state')
        .select('cursor')
        .where('name', '=', name)
        .executeTakeFirst();
      if (!existing) {
        if (from !== 0) return false;
        await db
          .insertInto('detector_state')
          .values({
            name,
            cursor: to,
            snapshotCursor: snapshot?.cursor ?? null,
            snapshot: snapshot?.data ?? null,
            updatedAt: now,
          })
          .execute();
        return true;
      }
      const r = await db
        .updateTable('detector_state')
        .set({
          cursor: to,
          updatedAt: now,
          ...(snapshot ? { snapshotCursor: snapshot.cursor, snapshot: snapshot.data } : {}),
        })
        .where('name', '=', name)
        .where('cursor', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

export type DetectionRepo = ReturnType<typeof createDetectionRepo>;
