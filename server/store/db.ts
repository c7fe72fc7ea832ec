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
  /** The SQLite database file; absent in memory and on PostgreSQL (a writer thread opens its own connection to it). */
  file?: string;
  /**
   * SQLite: how many of this connection's statements wait for the write lock
   * (shared memory: the ingest writer thread reads it and lets them in first).
   */
  waitingWriters?: Int32Array;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// SQLite transactions take the write lock at BEGIN, so two writers (the server
// and a CLI command, or the ingest writer thread) queue for it instead of
// failing on upgrade. They queue asynchronously: busy_timeout is 0, because
// better-sqlite3 would sleep in the calling thread — the event loop — for as
// long as another connection holds the lock. A statement refused with
// SQLITE_BUSY outside a transaction (a BEGIN IMMEDIATE, an autocommit write)
// did nothing: it is retried after a short back-off, with the connection free
// for reads meanwhile, for up to BUSY_WAIT_MS (what busy_timeout was).
const BUSY_WAIT_MS = 10_000;
const BUSY_BACKOFF_MS = [1, 1, 2, 4, 8];

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #raw: SqliteDatabase.Database;
  readonly #waiting: Int32Array;
  #connection: DatabaseConnection | undefined;
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SqliteDatabase.Database }, waiting: Int32Array) {
    super(config);
    this.#raw = config.database;
    this.#waiting = waiting;
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#connection ??= {
      executeQuery: (query) => this.#retryBusy(() => connection.executeQuery(query)),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
    return this.#connection;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  async #retryBusy<R>(run: () => Promise<R>): Promise<R> {
    // Only the time refused counts: not the turns this connection then gives its own other statements.
    let refusedMs = 0;
    let waiting = false;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await run();
        } catch (error) {
          const busy = (error as { code?: string }).code === 'SQLITE_BUSY' && !this.#raw.inTransaction;
          if (!busy || refusedMs >= BUSY_WAIT_MS) throw error;
        }
        const backoff = BUSY_BACKOFF_MS[Math.min(attempt, BUSY_BACKOFF_MS.length - 1)]!;
        refusedMs += backoff;
        // Tells a writer thread that this one waits: it lets it in before its next transaction.
        if (!waiting) Atomics.add(this.#waiting, 0, 1);
        waiting = true;
        // Gives the single connection back meanwhile, so that reads go on.
        await super.releaseConnection();
        await new Promise((resolve) => setTimeout(resolve, backoff));
        await super.acquireConnection();
      }
    } finally {
      if (waiting) {
        Atomics.sub(this.#waiting, 0, 1);
        Atomics.notify(this.#waiting, 0);
      }
    }
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SqliteDatabase.Database };
  readonly #waiting: Int32Array;
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SqliteDatabase.Database }, waiting: Int32Array) {
    super(config);
    this.#config = config;
    this.#waiting = waiting;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config, this.#waiting);
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

export function openStore(settings: DatabaseSettings, options: { waitingWriters?: Int32Array } = {}): Store {
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
  if (settings.file !== ':memory:') fs.mkdirSync(path.dirname(settings.file), { recursive: true });
  const raw = new SqliteDatabase(settings.file);
  raw.pragma('journal_mode = WAL');
  // FULL: an acknowledged commit survives a power cut, not only a crash.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 0'); // see ImmediateSqliteDriver
  // Ingest appends to the access log's five indexes: a 64 MB page cache (the
  // build's default is 16 MB) keeps their hot pages, and a checkpoint every
  // ~40 MB of WAL rather than 4 MB spares most batches a checkpoint of their own.
  raw.pragma('cache_size = -65536');
  raw.pragma('wal_autocheckpoint = 10000');
  const waitingWriters = options.waitingWriters ?? new Int32Array(new SharedArrayBuffer(4));
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: raw }, waitingWriters) });
  let closed = false;
  return {
    db,
    dialect: 'sqlite',
    sqlite: raw,
    ...(settings.file === ':memory:' ? {} : { file: settings.file }),
    waitingWriters,
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
