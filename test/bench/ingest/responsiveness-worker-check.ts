// How the console answers while ingest runs flat out: an analyst's
// GET /api/v1/alerts and GET /api/v1/access-events latency (p50, p99, max) at
// rest, during a full-speed NDJSON burst (batches of 10,000) and during a
// tool-alert burst (generic alerts, batches of 1,000, distinct fingerprints),
// with the ingest throughput of each burst. A check of the SQLite writer
// thread, run on its own (the official bench table is ingest.bench.ts):
//   node --import tsx test/bench/ingest/responsiveness-worker-check.ts [--inline] [--events 100000] [--alerts 20000]
// `--inline` commits on the main thread (VIGIE_INGEST_WRITER_THREAD=false), for the before/after;
// `--no-detector` leaves the detector out (to see its share of the main thread).
// Bodies are built before each burst, so the load generator itself never holds the event loop it measures.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cliActor } from '../../../server/actor.ts';
import { createApp } from '../../../server/app.ts';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import { sessionCookieName } from '../../../server/http/cookies.ts';
import { createLogger } from '../../../server/log.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir } from '../../support/config.ts';
import { createSession, createUser } from '../../support/factories.ts';
import { asRecord, rng, syntheticEvent } from './data.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const inline = args.includes('--inline');
const EVENTS = opt('events', 100_000);
const ALERTS = opt('alerts', 20_000);
const LANES = 2;

function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer,
  agent?: http.Agent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main() {
  const dataDir = tempDir('vigie-resp-');
  const config = loadConfig({
    NODE_ENV: 'production',
    VIGIE_DATA_DIR: dataDir,
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    VIGIE_PORT: '0',
    VIGIE_INGEST_MAX_BYTES: String(64 * 1024 * 1024),
    // Set only for --inline, so that the script also runs on a Vigie that predates the variable (the before).
    ...(inline ? { VIGIE_INGEST_WRITER_THREAD: 'false' } : {}),
    VIGIE_LOG_LEVEL: 'error',
    VIGIE_DETECTOR: String(!args.includes('--no-detector')),
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
  for (const job of vigie.services.background) await job.start();
  const port = (vigie.server.address() as AddressInfo).port;
  const ehr = await vigie.services.sources.create(cliActor, { name: 'bench-ehr', kind: 'ehr' });
  const tools = await vigie.services.sources.create(cliActor, { name: 'bench-tools', kind: 'alerts' });
  const analyst = await createUser(vigie.services, { roles: ['analyst'] });
  const { token } = await createSession(vigie.services, analyst.id);
  const console_ = { Cookie: `${sessionCookieName(config)}=${token}`, Origin: config.publicOrigin };
  const consoleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ingestAgent = new http.Agent({ keepAlive: true, maxSockets: LANES });

  const random = rng(11);
  const now = Date.now();
  const eventBodies = (total: number, size: number, from: number) =>
    Array.from({ length: Math.ceil(total / size) }, (_, b) =>
      Buffer.from(
        Array.from({ length: size }, (_, i) =>
          JSON.stringify(asRecord(syntheticEvent(random, from + b * size + i, total, now - 86_400_000, now))),
        ).join('\n') + '\n',
      ),
    );
  const alertBodies = (total: number, size: number) =>
    Array.from({ length: Math.ceil(total / size) }, (_, b) =>
      Buffer.from(
        JSON.stringify(
          Array.from({ length: size }, (_, i) => ({
            time: new Date(now - 60_000).toISOString(),
            tool: 'ClamAV',
            rule: `Win.Trojan.Agent-${b * size + i}`,
            severity: 'high',
            title: 'Malware found in a download',
            description: `Quarantined C:\\Users\\u${i % 500}\\Downloads\\facture-${b}-${i}.exe`,
            host: `WS-CARDIO-${i % 40}`,
            user: `u${String(i % 500).padStart(5, '0')}`,
            raw: { engine: '1.4.1', n: b * size + i },
          })),
        ),
      ),
    );

  /** The analyst: one request at a time, alternating the two screens, until `until` settles. */
  async function analystWhile(until: Promise<unknown> | number) {
    const lat = { alerts: [] as number[], events: [] as number[] };
    let done = false;
    if (typeof until === 'number') setTimeout(() => (done = true), until);
    else void until.finally(() => (done = true));
    for (let i = 0; !done; i++) {
      const which = i % 2 ? 'events' : 'alerts';
      const started = performance.now();
      const status = await request(
        port,
        'GET',
        which === 'alerts' ? '/api/v1/alerts?limit=50' : '/api/v1/access-events?limit=50',
        console_,
        undefined,
        consoleAgent,
      );
      if (status !== 200) throw new Error(`GET ${which} answered ${status}`);
      lat[which].push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 5));
    }
    return lat;
  }

  async function burst(path: string, auth: string, type: string, bodies: Buffer[]) {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const status = await request(
            port,
            'POST',
            path,
            { Authorization: `Bearer ${auth}`, 'Content-Type': type, 'Content-Length': body.length },
            body,
            ingestAgent,
          );
          if (status !== 200) throw new Error(`POST ${path} answered ${status}`);
        }
      }),
    );
    return performance.now() - started;
  }

  // Something to list: a first load, then the measures.
  await burst('/api/v1/ingest/events', ehr.token, 'application/x-ndjson', eventBodies(20_000, 10_000, 0));
  await burst('/api/v1/ingest/alerts/generic', tools.token, 'application/json', alertBodies(1_000, 1_000));
  const rows: string[][] = [];
  const add = (phase: string, lat: { alerts: number[]; events: number[] }, rate: string) => {
    for (const [name, values] of Object.entries(lat)) {
      const s = [...values].sort((a, b) => a - b);
      rows.push([
        phase,
        name === 'alerts' ? 'GET /alerts' : 'GET /access-events',
        String(s.length),
        quantile(s, 0.5).toFixed(1),
        quantile(s, 0.99).toFixed(1),
        (s.at(-1) ?? NaN).toFixed(1),
        rate,
      ]);
    }
  };
  add('at rest', await analystWhile(3_000), '');
  const ndjson = eventBodies(EVENTS, 10_000, 20_000);
  const ndjsonBurst = burst('/api/v1/ingest/events', ehr.token, 'application/x-ndjson', ndjson);
  const duringNdjson = await analystWhile(ndjsonBurst);
  add(
    'NDJSON burst (10,000/batch)',
    duringNdjson,
    `${Math.round(EVENTS / ((await ndjsonBurst) / 1000)).toLocaleString('en-US')} events/s`,
  );
  const alerts = alertBodies(ALERTS, 1_000);
  const alertBurst = burst('/api/v1/ingest/alerts/generic', tools.token, 'application/json', alerts);
  const duringAlerts = await analystWhile(alertBurst);
  add(
    'tool-alert burst (1,000/batch)',
    duringAlerts,
    `${Math.round(ALERTS / ((await alertBurst) / 1000)).toLocaleString('en-US')} alerts/s`,
  );

  console.log(
    `\nwriter: ${inline ? 'main thread (inline)' : 'writer thread'}; ${EVENTS.toLocaleString('en-US')} events, ${ALERTS.toLocaleString('en-US')} alerts\n`,
  );
  console.log('| phase | request | n | p50 ms | p99 ms | max ms | ingest |\n|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);

  for (const job of [...vigie.services.background].reverse()) await job.stop();
  await vigie.close();
  await new Promise<void>((resolve) => vigie.server.close(() => resolve()));
  consoleAgent.destroy();
  ingestAgent.destroy();
  await store.close();
}

await main();
