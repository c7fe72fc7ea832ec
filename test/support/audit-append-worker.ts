// A second process appending audit entries to the same database as the test
// (or the benchmark) at the same time: SQLite allows one connection per
// process to wait for the write lock, so real concurrency on one SQLite file
// is between processes — the server and a CLI command, say.
// Usage: node --import tsx test/support/audit-append-worker.ts <count> <inFlight> <tag>
// with the VIGIE_* variables of the database. It prints "ready", waits for a
// line on stdin (so the parent starts both writers together), appends, and
// prints {"count","ms"} as JSON.
import readline from 'node:readline';
import { withServices } from '../../server/cli/context.ts';

const [count = '1000', inFlight = '10', tag = 'worker'] = process.argv.slice(2);
const total = Number(count);

await withServices(async (services) => {
  process.stdout.write('ready\n');
  const input = readline.createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => input.once('line', () => resolve()));
  input.close();
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      await services.db.transaction().execute((trx) =>
        services.audit.record(trx, { actor: { kind: 'source', id: tag, requestId: `${tag}-${i}` }, action: 'test.append', target: { type: 'n', id: `${tag}-${i}` }, details: { i, tag } }),
      );
    }
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, lane));
  process.stdout.write(JSON.stringify({ count: total, ms: Math.round(performance.now() - started) }) + '\n');
}, { migrate: false });
