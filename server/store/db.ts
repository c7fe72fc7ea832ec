import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SelectQueryNode,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type QueryResult,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Database } from './schema.ts';
import { storeFailure } from './store-errors.ts';
import { createStoreHealth, type StoreHealth } from './store-health.ts';

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
  /** Failures noted (a full disk) and writes that committed since: what readiness reports. */
  health: StoreHealth;
  /** Whether this instance can serve: the database answers and, after a disk-full failure, there is room again. */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

export type Readiness =
  { ready: true } | { ready: false; code: 'database.unavailable' | 'storage.full'; error?: unknown };

/** Free space (on the file system and under SQLite's page limit) that counts as "room again" after a disk-full failure. */
export const ROOM_BYTES = 4 * 1024 * 1024;

/** How many prepared statements one SQLite connection keeps (least recently used go first). */
export const STATEMENT_CACHE_SIZE = 500;
// Longer SQL (a many-row VALUES list, say) is rarely repeated word for word: prepared each time, not kept.
const CACHEABLE_SQL_LENGTH = 16_384;
// Statements that change the schema or the connection are never kept, and running one empties the
// cache: SQLite re-prepares a stale statement by itself, but a migration should leave nothing behind.
const SCHEMA_CHANGE = /^\s*(create|alter|drop|pragma|vacuum|attach|detach|reindex|analyze)\b/i;

/**
 * Kysely's SQLite connection prepares every query anew; this one keeps the
 * prepared statements by SQL text (an LRU of `size`): better-sqlite3
 * statements are reusable, and a batch runs the same dozen bookkeeping
 * statements every time. Whether a statement returns rows (`reader`) is
 * decided per statement, as Kysely does.
 */
export class CachedSqliteConnection implements DatabaseConnection {
  readonly #db: SqliteDatabase.Database;
  readonly #size: number;
  readonly #statements = new Map<string, SqliteDatabase.Statement>();
  hits = 0;
  misses = 0;

  constructor(db: SqliteDatabase.Database, size = STATEMENT_CACHE_SIZE) {
    this.#db = db;
    this.#size = size;
  }

  get cached(): number {
    return this.#statements.size;
  }

  clear(): void {
    this.#statements.clear();
  }

  #statement(sqlText: string): SqliteDatabase.Statement {
    const kept = this.#statements.get(sqlText);
    if (kept) {
      this.hits++;
      // Most recently used last: the Map's first key is the one to evict.
      this.#statements.delete(sqlText);
      this.#statements.set(sqlText, kept);
      return kept;
    }
    this.misses++;
    if (SCHEMA_CHANGE.test(sqlText)) {
      this.#statements.clear();
      return this.#db.prepare(sqlText);
    }
    const stmt = this.#db.prepare(sqlText);
    if (sqlText.length <= CACHEABLE_SQL_LENGTH) {
      this.#statements.set(sqlText, stmt);
      if (this.#statements.size > this.#size) this.#statements.delete(this.#statements.keys().next().value!);
    }
    return stmt;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql: sqlText, parameters } = compiledQuery;
    const stmt = this.#statement(sqlText);
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  // A streamed statement stays busy while it is iterated: it gets a statement of its own, never a kept one.
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql: sqlText, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query)) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of this.#db.prepare(sqlText).iterate(parameters)) yield { rows: [row as R] };
  }
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
  #connection: DatabaseConnection | undefined;
  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    readonly store: { raw: SqliteDatabase.Database; health: StoreHealth; waiting: Int32Array },
  ) {
    super(config);
  }
  override async init(): Promise<void> {
    await super.init();
    // Statements go through the cache; a refused one is retried without blocking the thread.
    const cached = new CachedSqliteConnection(this.store.raw);
    this.#connection = {
      executeQuery: (query) => this.#retryBusy(() => cached.executeQuery(query)),
      streamQuery: (query) => cached.streamQuery(query),
    };
  }
  // The parent's mutex still serialises the single connection.
  override async acquireConnection(): Promise<DatabaseConnection> {
    await super.acquireConnection();
    return this.#connection!;
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
          const busy = (error as { code?: string }).code === 'SQLITE_BUSY' && !this.store.raw.inTransaction;
          if (!busy || refusedMs >= BUSY_WAIT_MS) throw error;
        }
        const backoff = BUSY_BACKOFF_MS[Math.min(attempt, BUSY_BACKOFF_MS.length - 1)]!;
        refusedMs += backoff;
        // Tells a writer thread that this one waits: it lets it in before its next transaction.
        if (!waiting) Atomics.add(this.store.waiting, 0, 1);
        waiting = true;
        // Gives the single connection back meanwhile, so that reads go on.
        await super.releaseConnection();
        await new Promise((resolve) => setTimeout(resolve, backoff));
        await super.acquireConnection();
      }
    } finally {
      if (waiting) {
        Atomics.sub(this.store.waiting, 0, 1);
        Atomics.notify(this.store.waiting, 0);
      }
    }
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } catch (error) {
      this.store.health.failed(error);
      throw error;
    }
    this.store.health.wrote();
  }
  // SQLITE_FULL (and IOERR, NOMEM) may already have rolled the whole
  // transaction back: a ROLLBACK then fails with "no transaction is active"
  // and, thrown from Kysely's catch, would hide the error that mattered.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.store.raw.inTransaction) await super.rollbackTransaction(connection);
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  readonly #store: ImmediateSqliteDriver['store'];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0], store: ImmediateSqliteDriver['store']) {
    super(config);
    this.#config = config;
    this.#store = store;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config, this.#store);
  }
}

/** Room for writes under SQLite's page limit and, for a file, on its file system. */
function sqliteHasRoom(raw: SqliteDatabase.Database, file: string): boolean {
  const pragma = (name: string) => raw.pragma(name, { simple: true }) as number;
  if ((pragma('max_page_count') - pragma('page_count') + pragma('freelist_count')) * pragma('page_size') < ROOM_BYTES)
    return false;
  if (file === ':memory:') return true;
  const fsStats = fs.statfsSync(path.dirname(file));
  return fsStats.bavail * fsStats.bsize >= ROOM_BYTES;
}

async function answers(ping: () => Promise<void>): Promise<Readiness | undefined> {
  try {
    await ping();
    return undefined;
  } catch (error) {
    return { ready: false, code: storeFailure(error) === 'full' ? 'storage.full' : 'database.unavailable', error };
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

export type DatabaseSettings =
  | Exclude<Config['database'], { kind: 'postgres' }>
  | { kind: 'postgres'; url: string; poolSize: number; connectTimeoutMs?: number }
  | { kind: 'sqlite'; file: ':memory:' };

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

/** How long a new PostgreSQL connection may take before the request that needs it fails (503), by default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function openStore(
  settings: DatabaseSettings,
  options: { log?: Logger; waitingWriters?: Int32Array } = {},
): Store {
  const { log } = options;
  if (settings.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.poolSize,
      types: pgTypes,
      // During an outage a request fails fast instead of waiting on a connect that will not come.
      connectionTimeoutMillis: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // A peer that vanished without a reset (a cut network) is found by TCP keep-alive, not never.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A connection that dies (a server restart, pg_terminate_backend) emits
    // 'error' — on the pool for an idle client, on the client itself for one
    // checked out between two statements. Unheard, either ends the process.
    // The pool drops the dead client; a query on it fails (503) and the pool
    // connects anew on the next one, so nothing more is needed to recover.
    pool.on('error', (error) =>
      log?.warn('database connection lost', { error, errorCode: (error as { code?: string }).code }),
    );
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const ping = async () => void (await sql`select 1`.execute(db));
    return {
      db,
      dialect: 'postgres',
      ping,
      health: createStoreHealth({ tracksSpace: false }),
      readiness: async () => (await answers(ping)) ?? { ready: true },
      close: () => db.destroy(),
    };
  }
  if (settings.file !== ':memory:') createPrivateFile(settings.file);
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
  const health = createStoreHealth({ tracksSpace: true });
  const waitingWriters = options.waitingWriters ?? new Int32Array(new SharedArrayBuffer(4));
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: raw }, { raw, health, waiting: waitingWriters }),
  });
  const ping = async () => void (await sql`select 1`.execute(db));
  let closed = false;
  return {
    db,
    dialect: 'sqlite',
    sqlite: raw,
    ...(settings.file === ':memory:' ? {} : { file: settings.file }),
    waitingWriters,
    ping,
    health,
    async readiness() {
      const down = await answers(ping);
      if (down) return down;
      if (health.full) {
        if (!sqliteHasRoom(raw, settings.file)) return { ready: false, code: 'storage.full' };
        health.wrote();
      }
      return { ready: true };
    },
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
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${key}))`.execute(trx);
}
