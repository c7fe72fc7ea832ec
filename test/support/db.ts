// A test database for each dialect: in-memory SQLite always; PostgreSQL when
// VIGIE_TEST_DATABASE_URL is set, each store in a schema of its own so that
// concurrent test files never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { testEnvironment } from '../../server/config.ts';
import { openStore, type Dialect, type Store } from '../../server/store/db.ts';
import { migrateToLatest } from '../../server/store/migrate.ts';

const env = testEnvironment();
export const PG_URL = env.databaseUrl;
export const PG_SKIP_REASON =
  'skipped: VIGIE_TEST_DATABASE_URL is not set (set it, or run .ci/run, to test on PostgreSQL)';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export interface TestStore extends Store {
  /** On PostgreSQL, the store's schema, also its connections' application_name (fault tests end them by it). */
  schema?: string;
  /** Drops what the test created (the PostgreSQL schema). */
  dispose(): Promise<void>;
}

/** A migrated, empty store of the dialect. */
export async function openTestStore(
  dialect: Dialect,
  options: { file?: string; migrate?: boolean } = {},
): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const store = openStore({ kind: 'sqlite', file: options.file ?? ':memory:' });
    if (options.migrate !== false) await migrateToLatest(store.db);
    return Object.assign(store, { dispose: () => store.close() });
  }
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  const schema = `vt_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  const store = openStore({ kind: 'postgres', url: url.toString(), poolSize: 8 });
  if (options.migrate !== false) await migrateToLatest(store.db);
  let disposed = false;
  return Object.assign(store, {
    schema,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  });
}

/** A PostgreSQL URL whose connections use a fresh schema (for child processes); with a dispose function. */
export async function pgSchemaUrl(): Promise<{ url: string; schema: string; dispose(): Promise<void> }> {
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  const schema = `vt_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return {
    url: url.toString(),
    schema,
    async dispose() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * Runs a suite once per dialect. Without VIGIE_TEST_DATABASE_URL the
 * PostgreSQL suite is reported as skipped, with the reason in its name.
 */
export function describeEachDialect(name: string, fn: (dialect: Dialect) => void): void {
  for (const dialect of DIALECTS) {
    if (dialect === 'postgres' && !PG_URL) describe.skip(`${name} [postgres] (${PG_SKIP_REASON})`, () => fn(dialect));
    else describe(`${name} [${dialect}]`, () => fn(dialect));
  }
}
