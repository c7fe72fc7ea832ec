// The responsiveness bench's client, a process of its own (forked by
// responsiveness.ts): an analyst's loop asking for the alert queue and the
// explorer's first page, one request at a time, timed from here — at rest,
// then while full-speed bursts of NDJSON, FHIR and tool alerts arrive (two
// batches in flight, so the server always has the next one waiting).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleBody, ndjsonBody, post, toolAlertsBody } from './bodies.ts';
import { rng, syntheticEvent } from './data.ts';

export interface LoadPlan {
  port: number;
  cookie: string;
  tokens: { ehr: string; fhir: string; alerts: string };
  /** Records per burst. */
  ndjson: number;
  fhir: number;
  alerts: number;
  restMs: number;
}

export interface PhaseResult {
  phase: string;
  /** Records per second during the burst (0 at rest). */
  rate: number;
  alerts: number[];
  explorer: number[];
  /** The server process's event-loop delay over the phase (ms), added by responsiveness.ts. */
  loop?: { p99: number; max: number };
}

interface Burst {
  phase: string;
  path: string;
  type: string;
  token: string;
  bodies: Buffer[];
  records: number;
}

const PROBES = [
  ['alerts', '/api/v1/alerts?limit=50'],
  ['explorer', '/api/v1/access-events?limit=50'],
] as const;

function get(port: number, path: string, cookie: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path, agent, headers: { Cookie: cookie } }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`GET ${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(plan: LoadPlan): Promise<PhaseResult[]> {
  const random = rng(11);
  const start = Date.UTC(2026, 11, 1);
  let n = 0;
  const batchOf = (size: number) =>
    Array.from({ length: size }, () => syntheticEvent(random, n++, 1e7, start, start + 86_400_000));
  const batches = (total: number, size: number, body: (i: number) => Buffer) =>
    Array.from({ length: Math.max(1, Math.ceil(total / size)) }, (_, i) => body(i));
  // Every body is made before the first timed request: the client's own garbage stays out of the windows.
  const bursts: Burst[] = [
    {
      phase: 'NDJSON burst (batches of 10,000)',
      path: '/api/v1/ingest/events',
      type: 'application/x-ndjson',
      token: plan.tokens.ehr,
      bodies: batches(plan.ndjson, 10_000, () => ndjsonBody(batchOf(10_000))),
      records: 0,
    },
    {
      phase: 'FHIR burst (Bundles of 1,000)',
      path: '/api/v1/ingest/fhir',
      type: 'application/fhir+json',
      token: plan.tokens.fhir,
      bodies: batches(plan.fhir, 1_000, () => bundleBody(batchOf(1_000))),
      records: 0,
    },
    {
      phase: 'tool-alert burst (1,000 new alerts a batch)',
      path: '/api/v1/ingest/alerts/generic',
      type: 'application/x-ndjson',
      token: plan.tokens.alerts,
      bodies: batches(plan.alerts, 1_000, (i) => toolAlertsBody(batchOf(1_000), 1_000_000 + i * 1_000)),
      records: 0,
    },
  ];
  for (const b of bursts) b.records = b.bodies.length * (b.phase.startsWith('NDJSON') ? 10_000 : 1_000);

  let phase: string | null = null;
  const samples = new Map<string, { alerts: number[]; explorer: number[] }>();
  let stop = false;
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probing = (async () => {
    while (!stop) {
      for (const [key, path] of PROBES) {
        const during: string | null = phase;
        const ms = await get(plan.port, path, plan.cookie, probeAgent);
        // A request counts for the phase it started and ended in.
        if (during && during === phase) samples.get(during)![key].push(ms);
        await sleep(5);
      }
    }
  })();

  const postAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  async function burst(b: Burst): Promise<number> {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      [0, 1].map(async () => {
        while (next < b.bodies.length) {
          const body = b.bodies[next++]!;
          for (;;) {
            const res = await post(plan.port, b.path, b.token, b.type, body, postAgent);
            if (res.status === 503) {
              await sleep(50);
              continue;
            }
            if (res.status >= 300) throw new Error(`${b.phase}: ${res.status} ${res.text.slice(0, 300)}`);
            break;
          }
        }
      }),
    );
    return performance.now() - t0;
  }

  const results: PhaseResult[] = [];
  const begin = (name: string) => {
    samples.set(name, { alerts: [], explorer: [] });
    phase = name;
    // The server's process measures its event loop's delay over the phase (responsiveness.ts).
    process.send!({ loop: 'start' });
  };
  const end = async () => {
    phase = null;
    await new Promise<void>((resolve) => process.send!({ loop: 'stop' }, () => resolve()));
  };
  begin('at rest');
  await sleep(plan.restMs);
  await end();
  results.push({ phase: 'at rest', rate: 0, ...samples.get('at rest')! });
  for (const b of bursts) {
    await sleep(1_000);
    begin(b.phase);
    const ms = await burst(b);
    await end();
    results.push({ phase: b.phase, rate: (b.records / ms) * 1000, ...samples.get(b.phase)! });
  }
  stop = true;
  await probing;
  probeAgent.destroy();
  postAgent.destroy();
  return results;
}

process.once('message', (plan: LoadPlan) => {
  run(plan).then(
    (results) => process.send!({ results }, () => process.exit(0)),
    (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
  );
});
