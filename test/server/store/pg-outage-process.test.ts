// The process itself: a Vigie server in a child process on PostgreSQL has its
// connections terminated again and again while it ingests. It must not exit
// (an unheard 'error' event used to end it), and must serve again at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../../server/actor.ts';
import { systemClock } from '../../../server/clock.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices } from '../../../server/services.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir, testConfig } from '../../support/config.ts';
import { PG_SKIP_REASON, PG_URL, pgSchemaUrl } from '../../support/db.ts';
import { captureLogger } from '../../support/log.ts';
import { terminateBackends } from '../../support/pg-faults.ts';
import { eventRecord, ndjson } from '../ingest/helpers.ts';

const suite = PG_URL ? describe : describe.skip;

function startChild(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; stderr(): string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/vigie-child.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log (every 503 is a line) is kept, and shown only if it exits.
  let err = '';
  child.stderr!.on('data', (c: Buffer) => void (err = (err + c.toString()).slice(-20_000)));
  const stderr = () => err;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stderr });
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before listening`)));
  });
}

suite(`a Vigie process on PostgreSQL whose connections are terminated${PG_URL ? '' : ` (${PG_SKIP_REASON})`}`, () => {
  let child: ChildProcess | undefined;
  let dispose: (() => Promise<void>) | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await dispose?.();
  });

  it('keeps running, answers 503 or 200 (never a reset connection), and stores every acknowledged batch exactly once', async () => {
    const schema = await pgSchemaUrl();
    dispose = schema.dispose;
    const setup = openStore({ kind: 'postgres', url: schema.url, poolSize: 2 });
    await migrateToLatest(setup.db);
    const services = createServices({
      config: testConfig(),
      store: setup,
      log: captureLogger().log,
      clock: systemClock,
      realtime: createRealtime(),
    });
    const { token } = await services.sources.create(cliActor, { name: 'outage', kind: 'ehr' });
    await setup.close();

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIE_DATABASE_URL: schema.url,
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_SECRET_KEY: '0f'.repeat(32),
      NODE_ENV: 'test',
    };
    const started = await startChild(env);
    child = started.child;
    let exit: number | string | null | undefined;
    child.once('exit', (code, signal) => (exit = code ?? signal));

    const batches: { n: number; size: number; body: string; acked: boolean }[] = [];
    const statuses = new Map<number, number>();
    const send = async (b: (typeof batches)[number]) => {
      const res = await fetch(`http://127.0.0.1:${started.port}/api/v1/ingest/events`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/x-ndjson',
          'Idempotency-Key': `proc-${b.n}`,
        },
        body: b.body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const body = (await res.json()) as { accepted?: number; error?: { code: string } };
      if (res.status === 200) expect(body.accepted).toBe(b.size);
      else
        expect({ status: res.status, code: body.error?.code }).toEqual({ status: 503, code: 'database.unavailable' });
      b.acked ||= res.status === 200;
    };
    let faulting = true;
    const worker = async () => {
      while (faulting && exit === undefined) {
        const n = batches.length;
        const b = { n, size: 30 + (n % 40), body: '', acked: false };
        b.body = ndjson(Array.from({ length: b.size }, (_, i) => eventRecord(i, { context: { batch: n, i } })));
        batches.push(b);
        await send(b);
      }
    };
    const workers = [worker(), worker()];
    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await sleep(150 + Math.random() * 250);
      terminated += await terminateBackends(schema.schema);
    }
    faulting = false;
    await Promise.all(workers);
    await sleep(300);
    expect(exit, `the Vigie process exited:\n${started.stderr().slice(-3000)}`).toBeUndefined();
    expect(terminated).toBeGreaterThanOrEqual(8);

    for (const b of batches) {
      for (let attempt = 0; !b.acked && attempt < 20; attempt++) {
        await send(b);
        if (!b.acked) await sleep(100);
      }
    }
    expect(batches.every((b) => b.acked)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${started.port}/readyz`)).status).toBe(200);
    console.info(
      `pg outage (process): ${batches.length} batches, ${terminated} backends terminated, answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );

    const check = openStore({ kind: 'postgres', url: schema.url, poolSize: 1 });
    try {
      const { rows } = await sql<{
        batch: number;
        n: number;
      }>`select (context::json->>'batch')::int as batch, count(*)::int as n from access_events group by 1`.execute(
        check.db,
      );
      expect(rows).toHaveLength(batches.length);
      for (const r of rows) expect(r.n, `batch ${r.batch}`).toBe(batches[r.batch]!.size);
    } finally {
      await check.close();
    }
  }, 90_000);
});
