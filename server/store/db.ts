import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Either the database or a transaction on it: repos accept both. */
export type Executor = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** The raw better-sqlite3 handle, for prepared-statement hot paths inside a Kysely transaction (same single connection). */
  sqlite?: SqliteDatabase.Database;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// SQLite transactions take the write lock at BEGIN, so two writers (the server
// and a CLI command, say) queue on busy_timeout instead of failing on upgrade.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
}

// PostgreSQL int8 (bigint, bigserial, count(*)) comes back as a JS number:
// epoch milliseconds and ids stay far below 2^53.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} does not fit a JavaScript number`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export type DatabaseSettings = Config['database'] | { kind: 'sqlite'; file: ':memory:' };

/**
 * Creates the database file, and its directories, readable by Vigie's user
 * only (0600, 0700): it holds patient identifiers. SQLite gives its -wal and
 * -shm files the database file's mode. An existing file keeps its mode.
 */
function createPrivateFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export function openStore(settings: DatabaseSettings): Store {
  if (settings.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: settings.url, max: settings.poolSize, types: pgTypes });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  if (settings.file !== ':memory:') createPrivateFile(settings.file);
  const raw = new SqliteDatabase(settings.file);
  raw.pragma('journal_mode = WAL');
  // FULL: an acknowledged commit survives a power cut, not only a crash.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  // Ingest appends to the access log's five indexes: a 64 MB page cache (the
  // build's default is 16 MB) keeps their hot pages, and a checkpoint every
  // ~40 MB of WAL rather than 4 MB spares most batches a checkpoint of their own.
  raw.pragma('cache_size = -65536');
  raw.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: raw }) });
  let closed = false;
  return {
    db,
    dialect: 'sqlite',
    sqlite: raw,
    ping: async () => void (await sql`select 1`.execute(db)),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/**
 * Serialises writers of one kind across transactions and instances
 * (audit chain, event log order). SQLite needs nothing more: its
 * transactions already hold the single write lock from BEGIN IMMEDIATE.
 * Advisory locks are database-wide: the key includes the schema, so that
 * Vigies in two schemas of one database (test runs, side by side) never
 * wait on — or deadlock with — each other.
 */
export async function lockInTransaction(trx: Trx, dialect: Dialect, key: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${key}))`.execute(trx);
}
