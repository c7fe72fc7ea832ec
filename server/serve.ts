// Runs Vigie in this process: config, logger, client build, database,
// migrations, HTTP and Socket.IO, background jobs; stops gracefully on
// SIGTERM/SIGINT. Started by server/main.ts and by `vigie serve`, both in the
// node process a supervisor signals (npm would not pass the signal on and wait).
import type { Socket } from 'node:net';
import { CLIENT_DIST, createApp } from './app.ts';
import { announceFirstRun } from './auth/setup.ts';
import { ensureClientBuilt } from './client-build.ts';
import { ConfigError, configWarnings, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { openStore } from './store/db.ts';
import { migrateToLatest } from './store/migrate.ts';

export async function serve(options: { build: boolean }): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigie: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config);
  for (const warning of configWarnings(config)) log.warn(warning);
  if (options.build) await ensureClientBuilt(CLIENT_DIST, log);

  const store = openStore(config.database, { log });
  const applied = await migrateToLatest(store.db);
  if (applied.length) log.info('database migrated', { applied });

  const vigie = createApp({ config, store, log });
  const { server, services } = vigie;

  // Track connections so that, after the grace period, the remaining ones can be closed.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // The signal handlers are in place before the server listens: a SIGTERM that arrives while it
  // starts (an orchestrator changing its mind) waits for the start to finish, then stops cleanly.
  let stopping = false;
  const startup = (async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    for (const job of services.background) await job.start();
    log.info(`Vigie listening on ${config.publicUrl}`, { port: config.port, database: store.dialect });
    if (!stopping) await announceFirstRun(services, (text) => process.stdout.write(text));
  })();
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // A start that failed is serve()'s caller to report; here, only wait for it.
    await startup.catch(() => undefined);
    const graceEnds = Date.now() + config.shutdownTimeoutMs;
    // From now on every answer closes its connection: a keep-alive client is told, then reconnects.
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    // Syslog first: stop reading, commit what was received, close its sockets (a sender that stays
    // connected is not waited for); then new ingest batches are answered 503 ingest.stopping.
    try {
      await services.syslog?.stop();
    } catch (error) {
      log.error('background job failed to stop', { job: 'syslog', error });
    }
    services.ingestWriter.refuse();
    const force = setTimeout(
      () => {
        log.warn('grace period over: closing remaining connections');
        for (const s of sockets) s.destroy();
      },
      Math.max(0, graceEnds - Date.now()),
    );
    force.unref();
    // Stop accepting, but keep the idle keep-alive connections that http's close() (called again by
    // Socket.IO's) would end at once: a client about to reuse one would be reset. Each gets its
    // answer (and Connection: close) on its next request, or ends at its keep-alive timeout, or at
    // the end of the grace period.
    server.closeIdleConnections = () => undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await vigie.close();
    await closed;
    clearTimeout(force);
    for (const job of [...services.background].reverse()) {
      try {
        await job.stop();
      } catch (error) {
        log.error('background job failed to stop', { job: job.name, error });
      }
    }
    await store.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await startup;
}
