// The SQLite connection keeps prepared statements by SQL text: repeated
// queries are not prepared again, the cache stays within its bound, and a
// schema change (a migration through Kysely, or DDL on the raw handle) never
// leaves a stale statement answering.
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachedSqliteConnection, openStore, STATEMENT_CACHE_SIZE, type Store } from '../../../server/store/db.ts';

const q = (text: string, parameters: unknown[] = []) => CompiledQuery.raw(text, parameters);

describe('SQLite statement cache', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('prepares a query run through Kysely once, however often it runs', async () => {
    store = openStore({ kind: 'sqlite', file: ':memory:' });
    await sql`create table t (id text primary key, n integer)`.execute(store.db);
    const db = store.db as unknown as Kysely<{ t: { id: string; n: number } }>;
    const prepare = vi.spyOn(store.sqlite!, 'prepare');
    for (let i = 0; i < 20; i++) {
      await db.selectFrom('t').select(['id', 'n']).where('id', '=', `s${i}`).execute();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('t')
          .values({ id: `s${i}`, n: i })
          .execute();
      });
    }
    const texts = prepare.mock.calls.map((c) => c[0]);
    // The select, the insert, begin immediate and commit: each prepared once.
    expect(texts.filter((t) => t.startsWith('select')).length).toBe(1);
    expect(texts.filter((t) => t.startsWith('insert')).length).toBe(1);
    expect(texts.filter((t) => t === 'begin immediate').length).toBe(1);
    expect(texts.length).toBe(4);
    const rows = await db.selectFrom('t').select(['id', 'n']).orderBy('n').execute();
    expect(rows.map((r) => r.n)).toEqual([...Array(20).keys()]);
  });

  it('counts hits and misses, keeps at most its size and evicts the least recently used', async () => {
    const raw = new SqliteDatabase(':memory:');
    const conn = new CachedSqliteConnection(raw, 3);
    const prepare = vi.spyOn(raw, 'prepare');
    for (let i = 0; i < 10; i++) await conn.executeQuery(q(`select ${i} as n`));
    expect(conn.cached).toBe(3);
    expect(conn.misses).toBe(10);
    // 7, 8, 9 are kept; touching 7 makes 8 the oldest.
    expect((await conn.executeQuery(q('select 7 as n'))).rows).toEqual([{ n: 7 }]);
    await conn.executeQuery(q('select 10 as n'));
    expect(conn.hits).toBe(1);
    prepare.mockClear();
    await conn.executeQuery(q('select 7 as n'));
    await conn.executeQuery(q('select 9 as n'));
    expect(prepare).not.toHaveBeenCalled();
    await conn.executeQuery(q('select 8 as n'));
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(conn.cached).toBe(3);
    expect(STATEMENT_CACHE_SIZE).toBeGreaterThanOrEqual(256);
    raw.close();
  });

  it('answers writes as Kysely does (changes, last insert id) from a kept statement', async () => {
    const raw = new SqliteDatabase(':memory:');
    const conn = new CachedSqliteConnection(raw);
    await conn.executeQuery(q('create table t (id integer primary key, v text)'));
    for (let i = 1; i <= 3; i++) {
      const r = await conn.executeQuery(q('insert into t (v) values (?)', [`v${i}`]));
      expect(r).toEqual({ numAffectedRows: 1n, insertId: BigInt(i), rows: [] });
    }
    expect((await conn.executeQuery(q('insert into t (v) values (?) returning id', ['x']))).rows).toEqual([{ id: 4 }]);
    expect(conn.hits).toBe(2);
    raw.close();
  });

  it('empties itself on a schema change through Kysely, and stays right after DDL on the raw handle', async () => {
    store = openStore({ kind: 'sqlite', file: ':memory:' });
    await sql`create table t (a integer)`.execute(store.db);
    await sql`insert into t values (1)`.execute(store.db);
    expect((await sql`select * from t`.execute(store.db)).rows).toEqual([{ a: 1 }]);
    await sql`alter table t add column b text default 'x'`.execute(store.db);
    expect((await sql`select * from t`.execute(store.db)).rows).toEqual([{ a: 1, b: 'x' }]);
    // Another writer changes the schema behind the cache's back: SQLite re-prepares the kept statement.
    store.sqlite!.exec("drop table t; create table t (z text); insert into t values ('new')");
    expect((await sql`select * from t`.execute(store.db)).rows).toEqual([{ z: 'new' }]);
    const prepare = vi.spyOn(store.sqlite!, 'prepare');
    await sql`create table u (a integer)`.execute(store.db);
    await sql`select * from t`.execute(store.db);
    // The DDL emptied the cache: the select was prepared again.
    expect(prepare.mock.calls.map((c) => c[0])).toEqual(['create table u (a integer)', 'select * from t']);
  });

  it('streams with a statement of its own, and the same text still runs from the cache after', async () => {
    store = openStore({ kind: 'sqlite', file: ':memory:' });
    await sql`create table t (a integer)`.execute(store.db);
    await sql`insert into t values (1), (2), (3)`.execute(store.db);
    const query = () => store!.db.selectFrom('t' as never).select('a' as never);
    expect(await query().execute()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const seen: unknown[] = [];
    for await (const row of query().stream()) seen.push(row);
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(await query().execute()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});
