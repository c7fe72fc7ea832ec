// The test app: the real Express app and Socket.IO server on a real database,
// with a fake clock and a captured log. `as(role)` gives a logged-in client.
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import request from 'supertest';
import { createApp, type VigieApp } from '../../server/app.ts';
import type { Role } from '../../server/auth/permissions.ts';
import type { Config } from '../../server/config.ts';
import { sessionCookieName } from '../../server/http/cookies.ts';
import type { Dialect } from '../../server/store/db.ts';
import { FakeClock } from './clock.ts';
import { testConfig } from './config.ts';
import { openTestStore, type TestStore } from './db.ts';
import { createSession, createUser } from './factories.ts';
import { captureLogger } from './log.ts';

export interface TestApp {
  vigie: VigieApp;
  services: VigieApp['services'];
  store: TestStore;
  config: Readonly<Config>;
  clock: FakeClock;
  logs: ReturnType<typeof captureLogger>;
  /** An anonymous client that sends the console's Origin on every request. */
  http: ReturnType<typeof client>;
  /** A client logged in as a new user with these roles. */
  as(...roles: Role[]): Promise<{ http: ReturnType<typeof client>; cookie: string; userId: string; sessionId: string }>;
  /** Listens on an ephemeral port (for sockets); returns the base URL. */
  listen(): Promise<string>;
  socket(cookie?: string, origin?: string): Socket;
  close(): Promise<void>;
}

function client(app: VigieApp['app'], origin: string, cookie?: string) {
  const wrap = (test: request.Test) => {
    test.set('Origin', origin);
    if (cookie) test.set('Cookie', cookie);
    return test;
  };
  const agent = request(app);
  return {
    get: (url: string) => wrap(agent.get(url)),
    post: (url: string) => wrap(agent.post(url)),
    put: (url: string) => wrap(agent.put(url)),
    patch: (url: string) => wrap(agent.patch(url)),
    delete: (url: string) => wrap(agent.delete(url)),
    /** Without the Origin header: for CSRF tests. */
    raw: agent,
  };
}

/** `file`: a SQLite database file instead of memory (ingest batches then commit in the writer thread). */
export async function createTestApp(
  options: { dialect?: Dialect; env?: Record<string, string>; clock?: FakeClock; file?: string } = {},
): Promise<TestApp> {
  const config = testConfig(options.env);
  const store = await openTestStore(options.dialect ?? 'sqlite', { file: options.file });
  const clock = options.clock ?? new FakeClock();
  const logs = captureLogger();
  const vigie = createApp({ config, store, log: logs.log, clock, clientDir: '/nonexistent' });
  const sockets: Socket[] = [];
  let baseUrl: string | undefined;

  const app: TestApp = {
    vigie,
    services: vigie.services,
    store,
    config,
    clock,
    logs,
    http: client(vigie.app, config.publicOrigin),
    async as(...roles: Role[]) {
      const user = await createUser(vigie.services, { roles });
      const { token, session } = await createSession(vigie.services, user.id);
      const cookie = `${sessionCookieName(config)}=${token}`;
      return { http: client(vigie.app, config.publicOrigin, cookie), cookie, userId: user.id, sessionId: session.id };
    },
    async listen() {
      if (baseUrl) return baseUrl;
      await new Promise<void>((resolve) => vigie.server.listen(0, '127.0.0.1', () => resolve()));
      baseUrl = `http://127.0.0.1:${(vigie.server.address() as AddressInfo).port}`;
      return baseUrl;
    },
    socket(cookie?: string, origin = config.publicOrigin) {
      if (!baseUrl) throw new Error('call listen() first');
      const s = ioClient(baseUrl, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { origin, ...(cookie ? { cookie } : {}) },
      });
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await vigie.services.ingestWriter.stop();
      await vigie.close();
      await store.dispose();
    },
  };
  return app;
}
