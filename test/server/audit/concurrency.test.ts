// 10,000 entries appended by concurrent transactions form one unbroken chain.
//
// Driven through service transactions rather than HTTP requests, on purpose:
// a request adds parsing and a session check around the same
// `db.transaction(trx => audit.record(trx, …))`, and what can fork the chain
// is only that transaction racing others. Service transactions let the test
// put many of them in flight in two processes at once — this one and a child
// process on the same database, as the server and a CLI command, or two
// instances, would be — which one HTTP server in this process cannot: on
// SQLite the only concurrent writer that can exist is another process (one
// connection per process), and on PostgreSQL each process has its own pool.
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import type { Config } from '../../../server/config.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices, type Services } from '../../../server/services.ts';
import { openStore, type Store } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { startAppendWorker } from '../../support/audit-writer.ts';
import { tempDir, testConfig } from '../../support/config.ts';
import { describeEachDialect, pgSchemaUrl } from '../../support/db.ts';
import { runLanes } from '../../support/lanes.ts';
import { captureLogger } from '../../support/log.ts';

const TOTAL = 10_000;
const IN_FLIGHT = 50;
const KEY = '0f'.repeat(32);
// Each writer lets go of the lock now and then so that the other's turns show in the chain.
const PAUSE_EVERY = 500;

describeEachDialect('10,000 audit entries from concurrent transactions', (dialect) => {
  let store: Store | undefined;
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await dispose?.();
    store = undefined;
    dispose = undefined;
  });

  it(`form one unbroken chain (${TOTAL / 2} from this process and ${TOTAL / 2} from another, ${IN_FLIGHT} transactions in flight in each)`, async () => {
    const dataDir = tempDir('vigie-audit-concurrency-');
    const env: Record<string, string> = { VIGIE_DATA_DIR: dataDir, VIGIE_SECRET_KEY: KEY };
    if (dialect === 'postgres') {
      const schema = await pgSchemaUrl();
      dispose = schema.dispose;
      // Commits without waiting for the WAL flush: the same locks and visibility, far
      // fewer seconds on a shared test machine (durability is not what is tested here).
      const url = new URL(schema.url);
      url.searchParams.set('options', `${url.searchParams.get('options')} -c synchronous_commit=off`);
      env.VIGIE_DATABASE_URL = url.toString();
      env.VIGIE_DATABASE_POOL_SIZE = '10';
    }
    const config: Readonly<Config> = testConfig(env);
    store = openStore(
      config.database.kind === 'sqlite' ? { kind: 'sqlite', file: path.join(dataDir, 'vigie.db') } : config.database,
    );
    await migrateToLatest(store.db);
    const services: Services = createServices({
      config,
      store,
      log: captureLogger().log,
      clock: systemClock,
      realtime: createRealtime(),
    });

    const other = startAppendWorker(env, TOTAL / 2, IN_FLIGHT, 'other-process', PAUSE_EVERY);
    await other.ready;
    const theirs = other.go();
    const { maxInFlight } = await runLanes({ total: TOTAL / 2, inFlight: IN_FLIGHT, pauseEvery: PAUSE_EVERY }, (i) =>
      services.db.transaction().execute(async (trx) => {
        // Work before and after the append, as a service does, so transactions overlap.
        await trx.selectFrom('audit_entries').select('seq').orderBy('seq', 'desc').limit(1).execute();
        await services.audit.record(trx, {
          actor: { kind: 'system', requestId: `this-${i}` },
          action: 'test.append',
          target: { type: 'n', id: `this-${i}` },
          details: { i },
        });
      }),
    );
    expect(await theirs).toMatchObject({ count: TOTAL / 2 });
    expect(maxInFlight).toBe(IN_FLIGHT);

    const answer = await services.auditVerifier.verify();
    expect(answer).toMatchObject({ status: 'intact', count: TOTAL, head: { seq: TOTAL } });
    const rows = await store.db.selectFrom('audit_entries').select(['seq', 'actor']).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    // The two writers' entries are interleaved along the chain: they really appended at the
    // same time. (On SQLite the waiting process sleeps in its busy handler, so the turns are
    // coarse: a few long runs rather than strict alternation; the pauses make sure there are some.)
    const theirSeqs = rows.filter((r) => r.actor === 'source:other-process').map((r) => r.seq);
    const ourSeqs = rows.filter((r) => r.actor === 'system').map((r) => r.seq);
    expect(theirSeqs).toHaveLength(TOTAL / 2);
    let switches = 0;
    for (let i = 1; i < rows.length; i++) if (rows[i]!.actor !== rows[i - 1]!.actor) switches += 1;
    expect(switches).toBeGreaterThanOrEqual(4);
    expect(theirSeqs[0]!).toBeLessThan(ourSeqs.at(-1)!);
    expect(ourSeqs[0]!).toBeLessThan(theirSeqs.at(-1)!);
  }, 300_000);
});
