// Durability under SIGKILL: a Vigie server in a child process ingests
// continuously over HTTP into a SQLite file and is killed at random moments,
// ten times. Every batch that was acknowledged must be there exactly once,
// every batch atomically (all or nothing), and the audit chain must verify.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../../server/actor.ts';
import { createAuditRepo } from '../../../server/audit/audit.repo.ts';
import { entryHash, GENESIS_HASH } from '../../../server/audit/hash-chain.ts';
import { systemClock } from '../../../server/clock.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices } from '../../../server/services.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { testConfig } from '../../support/config.ts';
import { captureLogger } from '../../support/log.ts';
import { eventRecord, ndjson } from './helpers.ts';

const KILLS = 10;

interface Batch {
  n: number;
  key: string;
  body: string;
  size: number;
  acked: boolean;
}

function startChild(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/vigie-child.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before listening`)));
  });
}

const stats = { sent: 0, retried: 0, replayed: 0, lost: 0 };

async function send(port: number, token: string, b: Batch): Promise<boolean> {
  stats.sent++;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson', 'Idempotency-Key': b.key },
      body: b.body,
    });
    const body = (await res.json()) as { accepted?: number };
    if (res.status === 200 && body.accepted === b.size) {
      // Committed by an earlier try whose answer was lost to the kill: answered from the Idempotency-Key.
      if (res.headers.get('idempotent-replayed') === 'true') stats.replayed++;
      return true;
    }
    if (res.status === 503) return false;
    throw new Error(`unexpected answer ${res.status} ${JSON.stringify(body)}`);
  } catch (error) {
    if ((error as Error).message.startsWith('unexpected')) throw error;
    stats.lost++;
    return false; // connection killed: not acknowledged
  }
}

describe('crash test: SIGKILL while ingesting', () => {
  const config = testConfig();
  const file = path.join(config.dataDir, 'vigie.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VIGIE_DATA_DIR: config.dataDir,
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    NODE_ENV: 'test',
  };
  delete env.VIGIE_DATABASE_URL;
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGKILL'));

  it(`keeps every acknowledged batch exactly once across ${KILLS} kills, and the audit chain verifies`, async () => {
    // The source, created before the first start.
    const setup = openStore({ kind: 'sqlite', file });
    await migrateToLatest(setup.db);
    const services = createServices({
      config,
      store: setup,
      log: captureLogger().log,
      clock: systemClock,
      realtime: createRealtime(),
    });
    const { token } = await services.sources.create(cliActor, { name: 'crash', kind: 'ehr' });
    await setup.close();

    const batches: Batch[] = [];
    const newBatch = (): Batch => {
      const n = batches.length;
      const size = 50 + ((n * 37) % 250);
      const b = {
        n,
        key: `crash-${n}`,
        size,
        body: ndjson(Array.from({ length: size }, (_, i) => eventRecord(i, { context: { batch: n, i } }))),
        acked: false,
      };
      batches.push(b);
      return b;
    };

    for (let run = 0; run <= KILLS; run++) {
      const started = await startChild(env);
      child = started.child;
      const exited = new Promise((r) => child!.once('exit', r));
      // Retry what was not acknowledged (same key, same body), then go on with new batches, three at a time.
      const queue = batches.filter((b) => !b.acked);
      stats.retried += queue.length;
      const last = run === KILLS;
      let alive = true;
      const worker = async () => {
        while (alive) {
          const b = queue.shift() ?? (last ? undefined : newBatch());
          if (!b) return;
          if (await send(started.port, token, b)) b.acked = true;
          else if (alive) queue.push(b);
        }
      };
      const workers = [worker(), worker(), worker()];
      if (run < KILLS) {
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 1600));
        child.kill('SIGKILL');
        await exited;
        alive = false;
        await Promise.all(workers);
      } else {
        // Last run: no kill; the batches never acknowledged are resent until they are, then the server stops.
        await Promise.all(workers);
        expect(batches.every((b) => b.acked)).toBe(true);
        child.kill('SIGTERM');
        await exited;
      }
    }

    const store = openStore({ kind: 'sqlite', file });
    try {
      const acked = batches.filter((b) => b.acked);
      console.info(
        `crash test: ${batches.length} batches, ${stats.sent} requests, ${stats.lost} cut by a kill, ${stats.retried} retried, ${stats.replayed} answered from their Idempotency-Key`,
      );
      expect(acked.length).toBeGreaterThan(KILLS * 2);
      expect(stats.lost).toBeGreaterThanOrEqual(KILLS);
      // Rows per batch: each acknowledged batch exactly once, with all its records.
      const perBatch = await sql<{ batch: number; n: number; distinctN: number }>`
        select json_extract(context, '$.batch') as batch, count(*) as n, count(distinct json_extract(context, '$.i')) as distinctN
        from access_events group by batch`.execute(store.db);
      const found = new Map(perBatch.rows.map((r) => [Number(r.batch), r]));
      for (const b of acked) {
        expect(found.get(b.n), `batch ${b.n}`).toMatchObject({ n: b.size, distinctN: b.size });
      }
      for (const [n, r] of found) expect(r.n, `batch ${n} is whole`).toBe(batches[n]!.size);

      // One ingest.batch audit entry per committed batch, naming its rows; the chain verifies.
      const entries = await createAuditRepo().range(store.db, 0, 1_000_000);
      let prev = GENESIS_HASH;
      entries.forEach((e, i) => {
        expect(e.seq).toBe(i + 1);
        expect(e.prevHash).toBe(prev);
        expect(e.hash).toBe(entryHash(e));
        prev = e.hash;
      });
      const batchEntries = entries
        .filter((e) => e.action === 'ingest.batch')
        .map((e) => JSON.parse(e.details) as { count: number; firstEventId: number; lastEventId: number });
      expect(batchEntries).toHaveLength(found.size);
      for (const d of batchEntries) {
        const rows = await store.db
          .selectFrom('access_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', '>=', d.firstEventId)
          .where('id', '<=', d.lastEventId)
          .executeTakeFirstOrThrow();
        expect(Number(rows.n)).toBe(d.count);
      }
      const keys = await store.db.selectFrom('ingest_batches').select('idempotencyKey').execute();
      expect(keys).toHaveLength(found.size);
    } finally {
      await store.close();
    }
  }, 300_000);
});
