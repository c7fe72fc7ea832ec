// A second process appending audit entries to the same database as the test
// (or the benchmark) at the same time: SQLite allows one connection per
// process to wait for the write lock, so real concurrency on one SQLite file
// is between processes — the server and a CLI command, say.
// Usage: node --import tsx test/support/audit-append-worker.ts <count> <inFlight> <tag> [pauseEvery]
// with the VIGIE_* variables of the database (pauseEvery: see support/lanes.ts). It prints "ready", waits for a
// line on stdin (so the parent starts both writers together), appends, and
// prints {"count","ms"} as JSON.
import readline from 'node:readline';
import { withServices } from '../../server/cli/context.ts';
import { runLanes } from './lanes.ts';

const [count = '1000', inFlight = '10', tag = 'worker', pauseEvery = '0'] = process.argv.slice(2);
const total = Number(count);

await withServices(
  async (services) => {
    process.stdout.write('ready\n');
    const input = readline.createInterface({ input: process.stdin });
    await new Promise<void>((resolve) => input.once('line', () => resolve()));
    input.close();
    const started = performance.now();
    await runLanes({ total, inFlight: Number(inFlight), pauseEvery: Number(pauseEvery) }, (i) =>
      services.db.transaction().execute((trx) =>
        services.audit.record(trx, {
          actor: { kind: 'source', id: tag, requestId: `${tag}-${i}` },
          action: 'test.append',
          target: { type: 'n', id: `${tag}-${i}` },
          details: { i, tag },
        }),
      ),
    );
    process.stdout.write(JSON.stringify({ count: total, ms: Math.round(performance.now() - started) }) + '\n');
  },
  { migrate: false },
);
