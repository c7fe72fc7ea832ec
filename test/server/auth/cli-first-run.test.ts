// The operator's side: `npm run vigie -- user create|list|disable`, and the
// setup link main.ts prints at the first start.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../support/config.ts';
import { describeEachDialect, pgSchemaUrl } from '../../support/db.ts';

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describeEachDialect('operator commands', (dialect) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });
  async function environment(): Promise<Record<string, string>> {
    const env: Record<string, string> = {
      VIGIE_DATA_DIR: tempDir(),
      VIGIE_PUBLIC_URL: 'https://vigie.clinique.test',
      VIGIE_LOG_LEVEL: 'warn',
    };
    if (dialect === 'postgres') {
      const pg = await pgSchemaUrl();
      dispose = pg.dispose;
      env.VIGIE_DATABASE_URL = pg.url;
    }
    return env;
  }

  it('user create prints an enrolment link ending in /enrol/<token>; roles repeat; list and disable work', async () => {
    const env = await environment();
    const created = await run(
      [
        'server/cli.ts',
        'user',
        'create',
        '--email',
        'Claire.Martin@clinique.test',
        '--role',
        'analyst',
        '--role',
        'approver',
        '--name',
        'Claire Martin',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^https:\/\/vigie\.clinique\.test\/enrol\/[A-Za-z0-9_-]{43}$/);
    const again = await run(
      ['server/cli.ts', 'user', 'create', '--email', 'claire.martin@clinique.test', '--role', 'admin'],
      env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const badRole = await run(
      ['server/cli.ts', 'user', 'create', '--email', 'x@clinique.test', '--role', 'chief'],
      env,
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/unknown role chief/);

    const list = await run(['server/cli.ts', 'user', 'list'], env);
    expect(list.stdout).toMatch(/claire\.martin@clinique\.test\s+invited\s+analyst,approver\s+no-mfa\s+never/);
    const disabled = await run(['server/cli.ts', 'user', 'disable', '--email', 'claire.martin@clinique.test'], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect((await run(['server/cli.ts', 'user', 'list'], env)).stdout).toMatch(
      /claire\.martin@clinique\.test\s+disabled/,
    );
  }, 60_000);

  it('the server prints a setup link at its first start, and none once a user exists', async () => {
    const env = await environment();
    const start = async () => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--no-build'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          ...env,
          VIGIE_PORT: String(port),
          VIGIE_HOST: '127.0.0.1',
          VIGIE_PUBLIC_URL: `http://127.0.0.1:${port}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.ok) break;
        await new Promise((r) => setTimeout(r, 150));
      }
      // The banner follows the listen: wait for it, or long enough to be sure there is none.
      const quiet = Date.now() + 1500;
      while (Date.now() < quiet && !/\/enrol\//.test(out)) await new Promise((r) => setTimeout(r, 100));
      return { child, port, output: () => out, exited: new Promise((r) => child.on('exit', r)) };
    };
    const first = await start();
    const link = /(http:\/\/127\.0\.0\.1:\d+\/enrol\/[A-Za-z0-9_-]{43})/.exec(first.output())?.[1];
    expect(link, first.output()).toBeTruthy();
    const info = await fetch(`http://127.0.0.1:${first.port}/api/v1/auth/enrol/${link!.split('/enrol/')[1]}`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ kind: 'setup' });
    first.child.kill('SIGTERM');
    await first.exited;

    expect(
      (await run(['server/cli.ts', 'user', 'create', '--email', 'admin@clinique.test', '--role', 'admin'], env)).code,
    ).toBe(0);
    const second = await start();
    expect(second.output()).not.toMatch(/\/enrol\//);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 90_000);
});
