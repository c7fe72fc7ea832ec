// The real entry point, as an operator starts it.
import { spawn } from 'node:child_process';
import net from 'node:net';
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

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--no-build'], {
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
    const run = start({ VIGIE_PORT: String(port), VIGIE_HOST: '127.0.0.1', VIGIE_DATA_DIR: tempDir(), VIGIE_TRUST_PROXY: 'true' });
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Vigie listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/VIGIE_TRUST_PROXY=true believes any X-Forwarded-For/);
  }, 40_000);

  it('starts, migrates, serves /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    await startServeStop({}, 'sqlite');
  }, 40_000);

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async () => {
    const port = await freePort();
    const run = start({ VIGIE_PORT: String(port), VIGIE_HOST: '127.0.0.1', VIGIE_DATA_DIR: tempDir(), VIGIE_LOG_FORMAT: 'json' });
    // The moment it says it listens, the first-run announcement is still to come.
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Vigie listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output().trim().split('\n').filter((l) => l.startsWith('{')).at(-1)).toContain('"message":"stopped"');
  }, 40_000);

  it.skipIf(!PG_URL)(`does the same on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP_REASON})`}`, async () => {
    const schema = await pgSchemaUrl();
    try {
      await startServeStop({ VIGIE_DATABASE_URL: schema.url }, 'postgres');
    } finally {
      await schema.dispose();
    }
  }, 40_000);
});

async function startServeStop(env: Record<string, string>, database: string) {
  {
    const port = await freePort();
    const run = start({ VIGIE_PORT: String(port), VIGIE_HOST: '127.0.0.1', VIGIE_DATA_DIR: tempDir(), VIGIE_LOG_FORMAT: 'json', ...env });
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
    const lines = run.output().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message: string; method?: string; status?: number; requestId?: string; ms?: number });
    expect(lines.find((l) => l.message === 'request' && l.status === 200)).toMatchObject({ method: 'GET', requestId: expect.any(String), ms: expect.any(Number) });
    expect(lines.at(-1)?.message).toBe('stopped');
  }
}
