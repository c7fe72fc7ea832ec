// Starts Vigie: config, logger, client build, database, migrations, HTTP and
// Socket.IO, background jobs; stops gracefully on SIGTERM/SIGINT.
import type { Socket } from 'node:net';
import { CLIENT_DIST, createApp } from './app.ts';
import { ensureClientBuilt } from './client-build.ts';
import { announceFirstRun } from './auth/setup.ts';
import { ConfigError, configWarnings, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { openStore } from './store/db.ts';
import { migrateToLatest } from './store/migrate.ts';

async function main() {
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
  if (!process.argv.includes('--no-build')) await ensureClientBuilt(CLIENT_DIST, log);

  const store = openStore(config.database);
  const applied = await migrateToLatest(store.db);
  if (applied.length) log.info('database migrated', { applied });

  const vigie = createApp({ config, store, log });
  const { server, services } = vigie;

  // Track connections so shutdown can end idle keep-alives and, after the grace period, the rest.
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
    // A start that failed is main()'s to report; here, only wait for it.
    await startup.catch(() => undefined);
    const force = setTimeout(() => {
      log.warn('grace period over: closing remaining connections');
      for (const s of sockets) s.destroy();
    }, config.shutdownTimeoutMs);
    force.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
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

main().catch((error) => {
  process.stderr.write(`vigie: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
