// Is the console still usable while ingest runs flat out? A Vigie started as
// in production (NODE_ENV=production, a file database in its data
// directory, createApp as server/main.ts calls it) serves an analyst's loop
// run from another process (load-client.ts): the alert queue and the
// explorer's first page, at rest and during NDJSON, FHIR and tool-alert bursts —
// beside the server process's own event-loop delay over each phase.
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cliActor } from '../../../server/actor.ts';
import { legacyExplanation } from '../../../server/alerts/explanations.ts';
import { createApp } from '../../../server/app.ts';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import { sessionCookieName } from '../../../server/http/cookies.ts';
import { createEventAppender } from '../../../server/ingest/pipeline/event-appender.ts';
import { createLogger } from '../../../server/log.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { inTransaction } from '../../../server/store/transaction.ts';
import { tempDir } from '../../support/config.ts';
import { createSession, createUser } from '../../support/factories.ts';
import { percentile } from '../table.ts';
import { rng, syntheticEvent } from './data.ts';
import type { LoadPlan, PhaseResult } from './load-client.ts';

/** The target for an analyst's requests during a burst (issue 11). */
export const BURST_P99_MS = 50;

export async function benchResponsiveness(plan: {
  ndjson: number;
  fhir: number;
  alerts: number;
  restMs: number;
  seedEvents: number;
}): Promise<PhaseResult[]> {
  const dataDir = tempDir('vigie-bench-live-');
  const config = loadConfig({
    NODE_ENV: 'production',
    VIGIE_DATA_DIR: dataDir,
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    VIGIE_PORT: '0',
    VIGIE_INGEST_MAX_BYTES: String(64 * 1024 * 1024),
  });
  const store = openStore(config.database);
  await migrateToLatest(store.db);
  const vigie = createApp({
    config,
    store,
    log: createLogger({ log: { level: 'error', format: 'json' } }),
    clock: systemClock,
    clientDir: '/nonexistent',
  });
  await new Promise<void>((resolve) => vigie.server.listen(0, '127.0.0.1', () => resolve()));
  const port = (vigie.server.address() as AddressInfo).port;
  try {
    const [ehr, fhir, tools] = [
      await vigie.services.sources.create(cliActor, { name: 'live-ehr', kind: 'ehr' }),
      await vigie.services.sources.create(cliActor, { name: 'live-fhir', kind: 'fhir' }),
      await vigie.services.sources.create(cliActor, { name: 'live-tools', kind: 'alerts' }),
    ];
    // Not an empty console: a week of older events and a few thousand alerts before the clock starts.
    const random = rng(5);
    const append = createEventAppender(store);
    const start = Date.UTC(2026, 10, 24);
    for (let done = 0; done < plan.seedEvents; done += 50_000) {
      const rows = Array.from({ length: Math.min(50_000, plan.seedEvents - done) }, (_, i) =>
        syntheticEvent(random, done + i, plan.seedEvents, start, start + 7 * 86_400_000),
      );
      await store.db.transaction().execute((trx) => append(trx, ehr.source.id, Date.now(), rows));
    }
    await inTransaction(store.db, async (trx) => {
      for (let i = 0; i < 3_000; i++) {
        const input = {
          origin: 'generic' as const,
          rule: `seed:${i % 40}`,
          severity: 'medium' as const,
          title: `Seed ${i}`,
          explanation: legacyExplanation({ fr: 'Amorce', en: 'Seed' }),
          fingerprint: `seed-${i}`,
          windowMs: 3_600_000,
          seenAt: start + i * 60_000,
          sourceId: tools.source.id,
        };
        await vigie.services.alerts.raise(trx, cliActor, input);
      }
    });
    const analyst = await createUser(vigie.services, { roles: ['analyst'] });
    const { token } = await createSession(vigie.services, analyst.id);

    const loadPlan: LoadPlan = {
      port,
      cookie: `${sessionCookieName(config)}=${token}`,
      tokens: { ehr: ehr.token, fhir: fhir.token, alerts: tools.token },
      ndjson: plan.ndjson,
      fhir: plan.fhir,
      alerts: plan.alerts,
      restMs: plan.restMs,
    };
    const client = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
    });
    // The event loop's delay in this (the server's) process over each phase: what holds every request,
    // measured continuously rather than sampled by the analyst's few requests of a short burst.
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const loops: { p99: number; max: number }[] = [];
    client.on('message', (m: { loop?: 'start' | 'stop' }) => {
      if (m.loop === 'start') {
        delay.reset();
        delay.enable();
      } else if (m.loop === 'stop') {
        delay.disable();
        loops.push({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 });
      }
    });
    const answer = await new Promise<{ results?: PhaseResult[]; error?: string }>((resolve, reject) => {
      client.on('message', (m: { results?: PhaseResult[]; error?: string }) => (m.results || m.error) && resolve(m));
      client.once('error', reject);
      client.once('exit', (code) => code && reject(new Error(`the load client exited with ${code}`)));
      client.send(loadPlan);
    });
    if (answer.error) throw new Error(`load client: ${answer.error}`);
    return answer.results!.map((r, i) => ({ ...r, loop: loops[i] }));
  } finally {
    await vigie.close();
    await new Promise<void>((resolve) => vigie.server.close(() => resolve()));
    await store.close();
  }
}

/** One row per phase, the two screens side by side. */
export function responsivenessRows(results: readonly PhaseResult[]): Record<string, string | number>[] {
  const stats = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  };
  return results.map((r) => {
    const [a, e] = [stats(r.alerts), stats(r.explorer)];
    return {
      phase: r.phase,
      'records/s': r.rate ? Math.round(r.rate) : '—',
      'queue p50 ms': a.p50,
      'queue p99 ms': a.p99,
      'queue max ms': a.max,
      'explorer p50 ms': e.p50,
      'explorer p99 ms': e.p99,
      'explorer max ms': e.max,
      requests: r.alerts.length + r.explorer.length,
      'loop delay p99 ms': r.loop ? r.loop.p99 : '—',
      'loop delay max ms': r.loop ? r.loop.max : '—',
    };
  });
}
