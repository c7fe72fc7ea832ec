// What CLI commands share with the server: the same config, store and services.
import { systemClock } from '../clock.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { createRealtime } from '../realtime/realtime.ts';
import { createServices, type Services } from '../services.ts';
import { openStore } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';

/** Thrown by a command to exit with a code and a message, without a stack trace. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function cliConfig(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(2, error.message);
    throw error;
  }
}

/**
 * Runs `fn` with the services on a migrated database, then closes it.
 * Logs go to stderr at warn level so that stdout stays for the command's output.
 */
export async function withServices<T>(
  fn: (services: Services) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = cliConfig();
  const log = createLogger({ log: { ...config.log, level: config.log.level === 'debug' ? 'debug' : 'warn' } });
  const store = openStore(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(store.db);
    return await fn(createServices({ config, store, log, clock: systemClock, realtime: createRealtime() }));
  } finally {
    await store.close();
  }
}
