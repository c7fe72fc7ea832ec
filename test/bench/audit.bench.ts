// `npm run bench -- audit [--pg postgres://…] [--appends N] [--verify N]`
// Appends per second on SQLite and PostgreSQL, one transaction per entry, in
// sequence and with many transactions in flight (in one process, and in two
// processes sharing the database); then verification speed (entries/s).
// PostgreSQL comes from --pg or VIGIE_TEST_DATABASE_URL; without either it is skipped, and said so.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { createAuditRepo } from '../../server/audit/audit.repo.ts';
import { createAuditService, type AuditService } from '../../server/audit/audit.service.ts';
import { createSealFile } from '../../server/audit/seal-file.ts';
import { createAuditVerifier } from '../../server/audit/verifier.service.ts';
import { systemClock } from '../../server/clock.ts';
import { testEnvironment } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/db.ts';
import { migrateToLatest } from '../../server/store/migrate.ts';
import { fillChain } from '../support/audit-chain.ts';
import { startAppendWorker, type AppendWorker } from '../support/audit-writer.ts';
import { tempDir } from '../support/config.ts';
import { percentile, printTable } from './table.ts';

interface Target {
  name: string;
  /** The VIGIE_* variables that open the same database in another process. */
  env: Record<string, string>;
  /** Opens one more connection (pool) to the same database: another instance. */
  open(): Store;
  dispose(): Promise<void>;
}

/** A fresh schema on the given server, dropped afterwards. */
async function pgSchema(base: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const schema = `vt_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), dispose: () => admin(`drop schema if exists ${schema} cascade`) };
}

const KEY = '0e'.repeat(32);

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function appendRun(
  stores: Store[],
  audits: AuditService[],
  total: number,
  inFlight: number,
  other?: AppendWorker,
) {
  const latencies: number[] = [];
  let next = 0;
  if (other) await other.ready;
  const started = performance.now();
  const elsewhere = other?.go();
  const worker = async (w: number) => {
    const store = stores[w % stores.length]!;
    const audit = audits[w % audits.length]!;
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await store.db.transaction().execute((trx) =>
        audit.record(trx, {
          actor: {
            kind: 'user',
            id: `u${i % 50}`,
            roles: ['analyst'],
            sessionId: 's',
            requestId: `r${i}`,
            address: '10.0.0.1',
          },
          action: 'alert.updated',
          target: { type: 'alert', id: i },
          details: { change: 'ack', i },
        }),
      );
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  const theirs = (await elsewhere)?.count ?? 0;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: (total + theirs) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function benchTarget(target: Target, appends: number, verifyCount: number) {
  const rows: Record<string, string | number>[] = [];
  const a = target.open();
  try {
    await migrateToLatest(a.db);
    const audits = [createAuditService({ repo: createAuditRepo(), clock: systemClock, dialect: a.dialect })];
    const modes: [string, number, boolean][] = [
      ['sequential', 1, false],
      ['16 in flight', 16, false],
      ['2 processes × 16 in flight', 16, true],
    ];
    for (const [mode, inFlight, twoProcesses] of modes) {
      // The other process appends as many as this one, at the same time.
      const other = twoProcesses ? startAppendWorker(target.env, appends / 2, inFlight, 'bench') : undefined;
      const r = await appendRun([a], audits, twoProcesses ? appends / 2 : appends, inFlight, other);
      rows.push({
        database: target.name,
        mode,
        appends,
        'appends/s': Math.round(r.perSecond),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
      });
    }
    await fillChain(a, Math.max(0, verifyCount - appends * modes.length), { batch: 5000 });
    const verifier = createAuditVerifier({
      db: a.db,
      repo: createAuditRepo(),
      seals: createSealFile({ dataDir: tempDir('vigie-bench-seals-'), key: Buffer.alloc(32, 1) }),
      clock: systemClock,
    });
    const t = performance.now();
    const answer = await verifier.verify();
    const seconds = (performance.now() - t) / 1000;
    if (answer.status !== 'intact') throw new Error(`the benchmark chain is broken: ${JSON.stringify(answer.problem)}`);
    return {
      appendRows: rows,
      verifyRow: {
        database: target.name,
        entries: answer.count,
        seconds: Number(seconds.toFixed(2)),
        'entries/s': Math.round(answer.count / seconds),
      },
    };
  } finally {
    await a.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const appends = Number(option(args, '--appends') ?? 2000);
  const verifyCount = Number(option(args, '--verify') ?? 200_000);
  const pgBase = option(args, '--pg') ?? testEnvironment().databaseUrl;

  const dir = tempDir('vigie-bench-audit-');
  const targets: Target[] = [
    {
      name: 'SQLite file (WAL, synchronous=FULL)',
      env: { VIGIE_DATA_DIR: dir, VIGIE_SECRET_KEY: KEY },
      open: () => openStore({ kind: 'sqlite', file: path.join(dir, 'vigie.db') }),
      dispose: async () => {},
    },
  ];
  if (pgBase) {
    const schema = await pgSchema(pgBase);
    targets.push({
      name: 'PostgreSQL',
      env: {
        VIGIE_DATA_DIR: tempDir('vigie-bench-pg-'),
        VIGIE_SECRET_KEY: KEY,
        VIGIE_DATABASE_URL: schema.url,
        VIGIE_DATABASE_POOL_SIZE: '10',
      },
      open: () => openStore({ kind: 'postgres', url: schema.url, poolSize: 10 }),
      dispose: schema.dispose,
    });
  }

  console.log(
    `Each append is one transaction holding one audit.record (the chain's lock, head read, hash, insert, commit); ${appends} per mode.`,
  );
  const appendRows: Record<string, string | number>[] = [];
  const verifyRows: Record<string, string | number>[] = [];
  for (const target of targets) {
    try {
      const r = await benchTarget(target, appends, verifyCount);
      appendRows.push(...r.appendRows);
      verifyRows.push(r.verifyRow);
    } finally {
      await target.dispose();
    }
  }
  printTable(appendRows);
  if (!pgBase) console.log('\nPostgreSQL: skipped (pass --pg postgres://… or set VIGIE_TEST_DATABASE_URL)');
  console.log('\nVerification (walk of the whole chain, hash of every entry):\n');
  printTable(verifyRows);
}
