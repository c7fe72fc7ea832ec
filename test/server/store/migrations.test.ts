import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { migrator as createMigrator, migrateToLatest, migrationStatus } from '../../../server/store/migrate.ts';
import { migrations } from '../../../server/store/migrations/index.ts';
import { describeEachDialect, openTestStore, type TestStore } from '../../support/db.ts';

describeEachDialect('migrations', (dialect) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('apply from scratch, in order, and a second run changes nothing', async () => {
    store = await openTestStore(dialect, { migrate: false });
    const applied = await migrateToLatest(store.db);
    expect(applied).toEqual(Object.keys(migrations).sort());
    expect(await migrateToLatest(store.db)).toEqual([]);
    const status = await migrationStatus(store.db);
    expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);
  });

  it('can be rolled back to nothing and applied again (down migrations work)', async () => {
    store = await openTestStore(dialect);
    const migrator = await createMigrator(store.db);
    const { NO_MIGRATIONS } = await import('kysely');
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(await migrateToLatest(store.db)).toHaveLength(Object.keys(migrations).length);
  });

  it('returns bigint columns and counts as JavaScript numbers', async () => {
    store = await openTestStore(dialect);
    const at = Date.UTC(2026, 10, 28, 13, 0, 0, 123);
    await store.db
      .insertInto('access_events')
      .values({
        occurredAt: at,
        occurredAtText: '2026-11-28T13:00:00.123Z',
        receivedAt: at,
        sourceId: 's',
        userId: 'u',
        action: 'read',
        outcome: 'success',
        patientId: null,
        application: null,
        workstation: null,
        address: null,
        department: null,
        context: null,
      })
      .execute();
    const row = await store.db.selectFrom('access_events').select(['id', 'occurredAt']).executeTakeFirstOrThrow();
    expect(row.occurredAt).toBe(at);
    expect(typeof row.id).toBe('number');
    const { n } = await store.db
      .selectFrom('access_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
    const r = await sql<{ big: number }>`select ${sql.lit(9007199254740991)} as big`.execute(store.db);
    expect(Number(r.rows[0]?.big)).toBe(9007199254740991);
  });
});
