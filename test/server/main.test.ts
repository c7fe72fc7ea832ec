// The real entry point, as an operator starts it.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/config.ts';
import { PG_SKIP_REASON, PG_URL, pgSchemaUrl } from '../support/db.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>, args = ['server/main.ts', '--no-build']) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('server/main.ts', () => {
  it('refuses to start with a bad VIGIE_PORT, naming it', async () => {
    const run = start({ VIGIE_PORT: 'abc', VIGIE_DATA_DIR: tempDir() });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/VIGIE_PORT="abc": expected an integer/);
  });

  it('warns at start when VIGIE_TRUST_PROXY=true believes any X-Forwarded-For', async () => {
    const port = await freePort();
    const run = start({
      VIGIE_PORT: String(port),
      VIGIE_HOST: '127.0.0.1',
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_TRUST_PROXY: 'true',
    });
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Vigie listening') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/VIGIE_TRUST_PROXY=true believes any X-Forwarded-For/);
  }, 40_000);

  it('starts, migrates, serves /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    await startServeStop({}, 'sqlite');
  }, 40_000);

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async () => {
    const port = await freePort();
    const run = start({
      VIGIE_PORT: String(port),
      VIGIE_HOST: '127.0.0.1',
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_LOG_FORMAT: 'json',
    });
    // The moment it says it listens, the first-run announcement is still to come.
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Vigie listening') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.output()).toBe(0);
    expect(
      run
        .output()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1),
    ).toContain('"message":"stopped"');
  }, 40_000);

  it('stops within the grace period while a syslog TCP sender stays connected and keeps sending (`vigie serve`)', async () => {
    const [port, syslogPort] = [await freePort(), await freePort()];
    const env = {
      VIGIE_PORT: String(port),
      VIGIE_HOST: '127.0.0.1',
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_LOG_FORMAT: 'json',
      VIGIE_SYSLOG_PORT: String(syslogPort),
      VIGIE_SYSLOG_HOST: '127.0.0.1',
      VIGIE_SHUTDOWN_TIMEOUT_MS: '4000',
    };
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      });
    await cli('source', 'create', '--name', 'rsyslog', '--kind', 'syslog', '--allow', '127.0.0.1');
    const token = (await cli('source', 'create', '--name', 'dxcare', '--kind', 'ehr')).stdout.trim();
    const run = start(env, ['server/cli.ts', 'serve', '--no-build']);
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('syslog listening') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));

    // A keep-alive HTTP client with one answered request behind it.
    const keepAlive = net.connect(port, '127.0.0.1');
    let answers = '';
    keepAlive.on('data', (d) => (answers += d));
    keepAlive.on('error', () => undefined);
    keepAlive.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (!/\r\n\r\n[^]*"ok"/.test(answers) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(answers, run.output()).toMatch(/^HTTP\/1\.1 200/);
    answers = '';

    // A syslog sender that never stops and never disconnects (as rsyslog does).
    const sender = net.connect(syslogPort, '127.0.0.1');
    sender.on('error', () => undefined);
    const senderClosed = new Promise((r) => sender.on('close', r));
    let next = 0;
    const pump = setInterval(() => {
      if (!sender.destroyed)
        sender.write(
          Array.from({ length: 20 }, () => `<13>1 2026-11-28T14:00:00.000Z host app - - - n=${next++}\n`).join(''),
        );
    }, 5);
    await new Promise((r) => setTimeout(r, 1500));
    const sentBefore = next;
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    await senderClosed;
    clearInterval(pump);
    // The next request on the open keep-alive connection is told, and the connection closed.
    const body = '{"time":"2026-11-28T14:00:00Z","user":"u1","action":"read","outcome":"success","patient":"P1"}\n';
    keepAlive.write(
      `POST /api/v1/ingest/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await new Promise((r) => keepAlive.on('close', r));
    expect(answers).toMatch(/^HTTP\/1\.1 503/);
    expect(answers).toMatch(/\r\nconnection: close\r\n/i);
    expect(answers).toContain('"code":"ingest.stopping"');

    expect(await run.exited, run.output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4000);
    expect(
      run
        .output()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1),
    ).toContain('"message":"stopped"');
    const db = new Database(path.join(env.VIGIE_DATA_DIR, 'vigie.db'), { readonly: true });
    try {
      const stored = (db.prepare('select message from system_events order by id').all() as { message: string }[]).map(
        (r) => Number(r.message.slice(2)),
      );
      // Every line read before the stop is stored: a gapless prefix of what was sent, past what was sent 300 ms before.
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i));
      expect(stored.length).toBeGreaterThanOrEqual(sentBefore);
      // The shutdown seal covers the head of the audit chain (the last syslog batch included).
      const head = (db.prepare('select max(seq) as seq from audit_entries').get() as { seq: number }).seq;
      const seals = fs.readFileSync(path.join(env.VIGIE_DATA_DIR, 'audit-seals.jsonl'), 'utf8').trim().split('\n');
      expect(JSON.parse(seals.at(-1)!).seq).toBe(head);
    } finally {
      db.close();
    }
  }, 60_000);

  it.skipIf(!PG_URL)(
    `does the same on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP_REASON})`}`,
    async () => {
      const schema = await pgSchemaUrl();
      try {
        await startServeStop({ VIGIE_DATABASE_URL: schema.url }, 'postgres');
      } finally {
        await schema.dispose();
      }
    },
    40_000,
  );
});

async function startServeStop(env: Record<string, string>, database: string) {
  {
    const port = await freePort();
    const run = start({
      VIGIE_PORT: String(port),
      VIGIE_HOST: '127.0.0.1',
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_LOG_FORMAT: 'json',
      ...env,
    });
    const deadline = Date.now() + 20_000;
    let ready: Response | undefined;
    while (Date.now() < deadline) {
      try {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(ready?.status, run.output()).toBe(200);
    expect(await ready!.json()).toEqual({ status: 'ready', database });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // JSON log lines, around the first-run setup banner (plain text, see test/server/auth/first-run.test.ts).
    const lines = run
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) => JSON.parse(l) as { message: string; method?: string; status?: number; requestId?: string; ms?: number },
      );
    expect(lines.find((l) => l.message === 'request' && l.status === 200)).toMatchObject({
      method: 'GET',
      requestId: expect.any(String),
      ms: expect.any(Number),
    });
    expect(lines.at(-1)?.message).toBe('stopped');
  }
}
