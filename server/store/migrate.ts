import { Migrator, sql, type MigrationResult } from 'kysely';
import type { Db } from './db.ts';
import { isPostgres } from './migrations/helpers.ts';
import { migrations } from './migrations/index.ts';

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[] | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

// On PostgreSQL the migration tables live in the connection's current schema:
// without naming it, Kysely takes another schema's kysely_migration (another
// application's, or another test run's) for ours and never creates its own.
export async function migrator(db: Db): Promise<Migrator> {
  let schema: string | undefined;
  if (isPostgres(db)) schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Brings the schema up to date; returns the names applied now. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await (await migrator(db)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(
      `migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? error}`,
      results,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrationStatus(db: Db) {
  return (await (await migrator(db)).getMigrations()).map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}
