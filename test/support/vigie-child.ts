// A Vigie server in a child process, for crash tests: serves the data
// directory's SQLite file on an ephemeral port and prints "PORT <n>" once
// listening. Killed with SIGKILL by the test, restarted on the same file.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { openStore } from '../../server/store/db.ts';
import { migrateToLatest } from '../../server/store/migrate.ts';

const config = loadConfig({ ...process.env, VIGIE_PORT: '0' });
const log = createLogger({ log: { level: 'error', format: 'json' } });
const store = openStore(
  config.database.kind === 'sqlite' ? { kind: 'sqlite', file: path.join(config.dataDir, 'vigie.db') } : config.database,
  { log },
);
await migrateToLatest(store.db);
const vigie = createApp({ config, store, log, clock: systemClock, clientDir: '/nonexistent' });
// As the server's start does (the ingest-writer job): the SQLite writer thread is loaded before batches arrive.
await vigie.services.ingestThread?.warm();
vigie.server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${(vigie.server.address() as AddressInfo).port}\n`);
});
