// A real Vigie for browser tests: the built console, a SQLite file, a real
// port. Runs in the test process so tests can seed data through the services.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CLIENT_DIST, createApp, type VigieApp } from '../../server/app.ts';
import type { Role } from '../../server/auth/permissions.ts';
import { ensureClientBuilt } from '../../server/client-build.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { sessionCookieName } from '../../server/http/cookies.ts';
import { createLogger } from '../../server/log.ts';
import { openStore, type Store } from '../../server/store/db.ts';
import { migrateToLatest } from '../../server/store/migrate.ts';
import { tempDir } from './config.ts';
import { createSession, createUser } from './factories.ts';

export interface RunningVigie {
  url: string;
  config: Readonly<Config>;
  vigie: VigieApp;
  store: Store;
  /** A cookie for a new user with these roles, ready for `context.addCookies`. */
  sessionCookie(roles: Role[], name?: string): Promise<{ name: string; value: string; url: string }>;
  stop(): Promise<void>;
}

export async function startVigie(env: Record<string, string> = {}): Promise<RunningVigie> {
  const log = createLogger({ log: { level: 'warn', format: 'pretty' } });
  await ensureClientBuilt(CLIENT_DIST, log);
  // Bind first to learn the port: the public origin must match what the browser sends.
  const probe = (await import('node:net')).createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
  );
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const dataDir = tempDir('vigie-e2e-');
  const config = loadConfig({
    NODE_ENV: 'test',
    VIGIE_PORT: String(port),
    VIGIE_DATA_DIR: dataDir,
    VIGIE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    VIGIE_LOG_LEVEL: 'warn',
    ...env,
  });
  const store = openStore(
    config.database.kind === 'sqlite' ? { kind: 'sqlite', file: path.join(dataDir, 'vigie.db') } : config.database,
  );
  await migrateToLatest(store.db);
  const vigie = createApp({ config, store, log, clock: systemClock });
  await new Promise<void>((resolve) => vigie.server.listen(port, '127.0.0.1', () => resolve()));
  for (const job of vigie.services.background) await job.start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    config,
    vigie,
    store,
    async sessionCookie(roles, name) {
      const user = await createUser(vigie.services, { roles, name });
      const { token } = await createSession(vigie.services, user.id);
      return { name: sessionCookieName(config), value: token, url };
    },
    async stop() {
      for (const job of [...vigie.services.background].reverse()) await job.stop();
      await vigie.close();
      await store.close();
    },
  };
}
