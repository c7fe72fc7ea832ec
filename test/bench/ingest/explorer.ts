// The explorer at ten million events: builds the SQLite database once into
// .cache/bench/ (git-ignored) with the migrations' own indexes, then times the
// explorer's searches (page + bounded count, through the explorer's queries).
import fs from 'node:fs';
import path from 'node:path';
import { createAccessEventsRepo } from '../../../server/ingest/access-events.repo.ts';
import { AccessEventQuery } from '../../../server/ingest/explorer/explorer.schemas.ts';
import { createExplorerQueries } from '../../../server/ingest/explorer/explorer.service.ts';
import { catchUpTimelines } from '../../../server/ingest/pipeline/timelines.ts';
import { createSourcesRepo } from '../../../server/ingest/sources/sources.repo.ts';
import { openStore, type Store } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { percentile, printTable, progress } from '../table.ts';
import { APPLICATIONS, DEPARTMENTS, PATIENTS, USERS, patientId, rng, syntheticEvent, userId } from './data.ts';

export const CACHE_DIR = path.resolve('.cache/bench');
const YEAR = 365 * 86_400_000;
export const EXPLORER_END = Date.UTC(2026, 10, 28);

/** Opens (building it the first time) the SQLite database of `total` events. */
export async function explorerDatabase(total: number): Promise<Store> {
  // v2: with the SQLite timelines (migration 0011).
  const file = path.join(CACHE_DIR, `explorer-v2-${total}.db`);
  const ready = `${file}.ready`;
  if (!fs.existsSync(ready)) {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const store = openStore({ kind: 'sqlite', file });
    await migrateToLatest(store.db);
    const raw = store.sqlite!;
    // Bulk load without the secondary indexes, then create them from the migrations' own definitions.
    const indexes = raw
      .prepare(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = 'access_events' and sql is not null",
      )
      .all() as { name: string; sql: string }[];
    for (const i of indexes) raw.exec(`drop index ${i.name}`);
    raw.pragma('synchronous = OFF');
    const insert = raw.prepare(
      'insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId, application, workstation, address, department, context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const random = rng(42);
    const t0 = performance.now();
    const chunk = 200_000;
    for (let done = 0; done < total; done += chunk) {
      raw.transaction(() => {
        for (let i = done; i < Math.min(total, done + chunk); i++) {
          const e = syntheticEvent(random, i, total, EXPLORER_END - YEAR, EXPLORER_END);
          insert.run(
            e.occurredAt,
            e.occurredAtText,
            e.occurredAt + 2000,
            'bench',
            e.userId,
            e.action,
            e.outcome,
            e.patientId,
            e.application,
            e.workstation,
            e.address,
            e.department,
            e.context,
          );
        }
      })();
      progress(
        `  building ${path.relative(process.cwd(), file)}: ${(Math.min(total, done + chunk) / 1e6).toFixed(1)} M rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    for (const i of indexes) {
      progress(`  building ${path.relative(process.cwd(), file)}: index ${i.name}…`);
      raw.exec(i.sql);
    }
    progress(`  building ${path.relative(process.cwd(), file)}: user and patient timelines…`);
    const last = raw.prepare('select max(id) from access_events').pluck().get() as number;
    raw.transaction(() => catchUpTimelines(raw, last, 0))();
    raw.pragma('synchronous = FULL');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    progress(
      `  built ${path.relative(process.cwd(), file)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      true,
    );
    await store.close();
    fs.writeFileSync(ready, new Date().toISOString());
  }
  const store = openStore({ kind: 'sqlite', file });
  await syncIndexes(store);
  return store;
}

/** Recreates the cached database's indexes whose definition differs from the migrations' (after an index change). */
async function syncIndexes(store: Store): Promise<void> {
  const fresh = openStore({ kind: 'sqlite', file: ':memory:' });
  await migrateToLatest(fresh.db);
  const q =
    "select name, sql from sqlite_master where type = 'index' and tbl_name = 'access_events' and sql is not null";
  const want = new Map((fresh.sqlite!.prepare(q).all() as { name: string; sql: string }[]).map((i) => [i.name, i.sql]));
  await fresh.close();
  const have = new Map((store.sqlite!.prepare(q).all() as { name: string; sql: string }[]).map((i) => [i.name, i.sql]));
  for (const [name, sqlText] of have) if (want.get(name) !== sqlText) store.sqlite!.exec(`drop index ${name}`);
  for (const [name, sqlText] of want) {
    if (have.get(name) === sqlText) continue;
    const t0 = performance.now();
    store.sqlite!.exec(sqlText);
    console.log(`  index ${name} rebuilt to match the migrations (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

interface Case {
  name: string;
  query: (r: () => number) => Record<string, string | number>;
}

const day = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const CASES: Case[] = [
  { name: 'newest, no filter', query: () => ({}) },
  { name: 'user', query: (r) => ({ user: userId(Math.floor(r() * USERS)) }) },
  { name: 'patient', query: (r) => ({ patient: patientId(Math.floor(r() ** 2 * PATIENTS)) }) },
  { name: 'action = break_glass', query: () => ({ action: 'break_glass' }) },
  { name: 'action = export', query: () => ({ action: 'export' }) },
  { name: 'department', query: (r) => ({ department: DEPARTMENTS[Math.floor(r() * DEPARTMENTS.length)]! }) },
  { name: 'application', query: (r) => ({ application: APPLICATIONS[Math.floor(r() * APPLICATIONS.length)]! }) },
  {
    name: 'period: one day',
    query: (r) => {
      const end = EXPLORER_END - Math.floor(r() * 300) * 86_400_000;
      return { from: day(end - 86_400_000), to: day(end) };
    },
  },
  {
    name: 'user + one week',
    query: (r) => {
      const end = EXPLORER_END - Math.floor(r() * 300) * 86_400_000;
      return { user: userId(Math.floor(r() * USERS)), from: day(end - 7 * 86_400_000), to: day(end) };
    },
  },
  {
    name: 'patient + one month',
    query: (r) => {
      const end = EXPLORER_END - Math.floor(r() * 300) * 86_400_000;
      return { patient: patientId(Math.floor(r() ** 2 * PATIENTS)), from: day(end - 30 * 86_400_000), to: day(end) };
    },
  },
  {
    name: 'department + break_glass',
    query: (r) => ({ department: DEPARTMENTS[Math.floor(r() * DEPARTMENTS.length)]!, action: 'break_glass' }),
  },
  {
    name: 'department + one day',
    query: (r) => {
      const end = EXPLORER_END - Math.floor(r() * 300) * 86_400_000;
      return {
        department: DEPARTMENTS[Math.floor(r() * DEPARTMENTS.length)]!,
        from: day(end - 86_400_000),
        to: day(end),
      };
    },
  },
  {
    name: 'department + application',
    query: (r) => ({
      department: DEPARTMENTS[Math.floor(r() * DEPARTMENTS.length)]!,
      application: APPLICATIONS[Math.floor(r() * APPLICATIONS.length)]!,
    }),
  },
  {
    name: 'application + export',
    query: (r) => ({ application: APPLICATIONS[Math.floor(r() * APPLICATIONS.length)]!, action: 'export' }),
  },
  { name: 'action read,print (two)', query: () => ({ action: 'read,print' }) },
  { name: 'break_glass,export,delete', query: () => ({ action: 'break_glass,export,delete' }) },
];

export async function benchExplorer(total: number, repeat: number): Promise<Record<string, string | number>[]> {
  const store = await explorerDatabase(total);
  try {
    const count = Number((store.sqlite!.prepare('select max(id) as n from access_events').get() as { n: number }).n);
    // The queries alone: a search by patient is measured without its reveal step (reason, audit, limit).
    const explorer = createExplorerQueries({
      db: store.db,
      repo: createAccessEventsRepo(),
      sources: createSourcesRepo(),
    });
    const random = rng(7);
    const rows: Record<string, string | number>[] = [];
    const all: number[] = [];
    for (const c of CASES) {
      const times: number[] = [];
      let exact = 0;
      let pages = 0;
      for (let i = 0; i < repeat; i++) {
        const q = AccessEventQuery.parse(c.query(random));
        const t0 = performance.now();
        const first = await explorer.search(q);
        times.push(performance.now() - t0);
        if (first.count?.exact) exact++;
        // The next page too, by cursor, when there is one.
        if (first.nextCursor) {
          const t1 = performance.now();
          await explorer.search({ ...q, cursor: first.nextCursor });
          times.push(performance.now() - t1);
          pages++;
        }
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      rows.push({
        search: c.name,
        runs: times.length,
        'p50 ms': percentile(times, 50),
        'p95 ms': percentile(times, 95),
        'max ms': times.at(-1)!,
        'exact counts': `${exact}/${repeat}`,
      });
      void pages;
    }
    all.sort((a, b) => a - b);
    rows.push({
      search: `ALL (${count.toLocaleString('en-US')} events)`,
      runs: all.length,
      'p50 ms': percentile(all, 50),
      'p95 ms': percentile(all, 95),
      'max ms': all.at(-1)!,
      'exact counts': '',
    });
    return rows;
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await benchExplorer(Number(process.argv[2] ?? 10_000_000), Number(process.argv[3] ?? 20)));
}
