// PostgreSQL faults for the outage tests, without touching the shared server:
// end only this test's own connections (found by their application_name, the
// schema's name), or put a TCP proxy between Vigie and PostgreSQL and cut it.
import net from 'node:net';
import pg from 'pg';
import { PG_URL, PG_SKIP_REASON } from './db.ts';

/** Terminates the backends whose application_name is `name` (never anyone else's); returns how many. */
export async function terminateBackends(name: string): Promise<number> {
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  if (!/^vt_[0-9a-f]+(-[a-z]+)?$/.test(name)) throw new Error(`not a test schema's application_name: ${name}`);
  const admin = new pg.Client({ connectionString: PG_URL, application_name: 'vigie-fault-injector' });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>(
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [name],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await admin.end();
  }
}

export type ProxyMode = 'open' | 'refuse' | 'blackhole';

/**
 * A TCP proxy to the test PostgreSQL server. `cut(mode)` destroys every open
 * connection, then refuses new ones (reset at once) or swallows them (accepted,
 * never answered: a connect that hangs); `restore()` forwards again.
 */
export async function startPgProxy(): Promise<{
  port: number;
  url(target: string): string;
  cut(mode: Exclude<ProxyMode, 'open'>): void;
  restore(): void;
  close(): Promise<void>;
}> {
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  const upstream = new URL(PG_URL);
  let mode: ProxyMode = 'open';
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.resetAndDestroy();
    if (mode === 'blackhole') return;
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    track(server);
    client.pipe(server).pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** `target` (a URL of the test server, with its options) rewritten to go through the proxy. */
    url(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut(next) {
      mode = next;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      mode = 'open';
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
