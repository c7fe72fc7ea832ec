// Ingest throughput through the real HTTP endpoints (NDJSON batches of 1,000
// and 10,000, FHIR Bundles of 1,000; tool alerts, which have no floor), beside the floor measured in the same
// run: the same rows inserted straight into the same table (same schema,
// indexes and settings), one transaction per batch of the same size — a
// prepared statement per row on SQLite (then the user and patient timelines'
// catch-up, part of the table's upkeep), the same unnest() INSERT the server
// uses on PostgreSQL. The floor writes to a twin database (a second file, or
// schema) so each side pays its own WAL checkpoints; floor and HTTP batches
// alternate, so both see the same table size and the same machine load.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { cliActor } from '../../../server/actor.ts';
import { createApp } from '../../../server/app.ts';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import type { ValidAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';
import { createEventAppender } from '../../../server/ingest/pipeline/event-appender.ts';
import { catchUpTimelines } from '../../../server/ingest/pipeline/timelines.ts';
import { createLogger } from '../../../server/log.ts';
import { openStore, type Store } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir } from '../../support/config.ts';
import { progress } from '../table.ts';
import { bundleBody, ndjsonBody, post, toolAlertsBody } from './bodies.ts';
import { rng, syntheticEvent } from './data.ts';

const INSERT_SQLITE =
  'insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId, application, workstation, address, department, context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** This process's CPU time since `from` (the server's, and the one client's small share), in ms. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
};

export interface ThroughputRow {
  [k: string]: string | number;
}

export async function benchThroughput(
  dialect: 'sqlite' | 'postgres',
  pgUrls: [string, string] | undefined,
  events: { ndjson1k: number; ndjson10k: number; fhir: number; alerts?: number },
  prefill = 0,
): Promise<ThroughputRow[]> {
  const pgUrl = pgUrls?.[0];
  const dataDir = tempDir('vigie-bench-');
  const config = loadConfig({
    NODE_ENV: 'production',
    VIGIE_DATA_DIR: dataDir,
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    VIGIE_PORT: '0',
    VIGIE_INGEST_MAX_BYTES: String(64 * 1024 * 1024),
    ...(pgUrl ? { VIGIE_DATABASE_URL: pgUrl } : {}),
  });
  const store: Store = openStore(config.database);
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
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ehr = await vigie.services.sources.create(cliActor, { name: 'bench-ehr', kind: 'ehr' });
  const fhir = await vigie.services.sources.create(cliActor, { name: 'bench-fhir', kind: 'fhir' });
  const twin: Store = openStore(
    pgUrls
      ? { kind: 'postgres', url: pgUrls[1], poolSize: 2 }
      : { kind: 'sqlite', file: path.join(dataDir, 'floor.db') },
  );
  await migrateToLatest(twin.db);
  const appendPg = createEventAppender(twin);
  const sqliteInsert = twin.sqlite?.prepare<unknown[]>(INSERT_SQLITE);

  /** The floor: the same rows (and source id), straight into the table, one transaction. */
  async function floor(rows: ValidAccessEvent[]): Promise<number> {
    const t0 = performance.now();
    if (sqliteInsert) {
      const now = Date.now();
      twin
        .sqlite!.transaction(() => {
          let last = 0;
          for (const r of rows)
            last = Number(
              sqliteInsert.run(
                r.occurredAt,
                r.occurredAtText,
                now,
                ehr.source.id,
                r.userId,
                r.action,
                r.outcome,
                r.patientId,
                r.application,
                r.workstation,
                r.address,
                r.department,
                r.context,
              ).lastInsertRowid,
            );
          // The table's own upkeep, as the server's appender does it: the timelines' catch-up when a chunk has gathered.
          catchUpTimelines(twin.sqlite!, last);
        })
        .immediate();
    } else {
      await twin.db.transaction().execute((trx) => appendPg(trx, ehr.source.id, Date.now(), rows));
    }
    return performance.now() - t0;
  }

  const random = rng(2026);
  const start = Date.UTC(2026, 10, 1);
  let n = 0;
  const batchOf = (size: number) =>
    Array.from({ length: size }, () => syntheticEvent(random, n++, 1e7, start, start + 30 * 86_400_000));

  // --prefill: both tables first hold the preceding months' events (the same
  // rows in each), so the figures are those of a table that is not new.
  if (prefill > 0) {
    const main = createEventAppender(store);
    const early = rng(1789);
    const t0 = performance.now();
    const said = (done: number, last = false) =>
      progress(
        `  ${dialect}: prefilled ${done.toLocaleString('en-US')} events in each table (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        last,
      );
    for (let done = 0; done < prefill; done += 50_000) {
      const rows = Array.from({ length: Math.min(50_000, prefill - done) }, (_, i) =>
        syntheticEvent(early, done + i, prefill, start - 330 * 86_400_000, start),
      );
      await store.db.transaction().execute((trx) => main(trx, 'prefill', start, rows));
      await floor(rows);
      said(done + rows.length);
    }
    said(prefill, true);
  }

  async function measure(
    label: string,
    size: number,
    total: number,
    path: string,
    type: string,
    token: string,
    body: (rows: ValidAccessEvent[]) => Buffer,
    expected: (rows: ValidAccessEvent[]) => number,
  ) {
    let httpMs = 0;
    let floorMs = 0;
    let done = 0;
    // A warm-up batch each way, not timed.
    await floor(batchOf(size));
    await post(port, path, token, type, body(batchOf(size)), agent);
    // The client's work — making the batches and their bodies — is done before
    // the clock starts, so its garbage is not collected inside a timed window;
    // the floor and the server then take the very same rows, batch by batch.
    const plan: { rows: ValidAccessEvent[]; payload: Buffer }[] = [];
    for (let planned = 0; planned < total; planned += size) {
      const rows = batchOf(size);
      plan.push({ rows, payload: body(rows) });
    }
    let cpu = 0;
    for (const { rows, payload } of plan) {
      floorMs += await floor(rows);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await post(port, path, token, type, payload, agent);
      httpMs += performance.now() - t0;
      cpu += cpuMs(c0);
      if (res.status >= 300) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
      done += expected(rows);
    }
    const httpRate = (done / httpMs) * 1000;
    const floorRate = (done / floorMs) * 1000;
    return {
      dialect,
      path: label,
      batch: size,
      events: done,
      'events/s': Math.round(httpRate),
      'floor events/s': Math.round(floorRate),
      ratio: Math.round((httpRate / floorRate) * 100) / 100,
      'CPU ms/1k': (cpu / done) * 1000,
      'ms/request': httpMs / plan.length,
      'floor ms/batch': floorMs / plan.length,
    };
  }

  /** Tool alerts (generic, NDJSON), every one a new alert: no floor of its own, the target is absolute. */
  async function measureAlerts(size: number, total: number) {
    const tools = await vigie.services.sources.create(cliActor, { name: 'bench-tools', kind: 'alerts' });
    let sent = 0;
    const body = () => toolAlertsBody(batchOf(size), (sent += size));
    await post(port, '/api/v1/ingest/alerts/generic', tools.token, 'application/x-ndjson', body(), agent);
    const plan = Array.from({ length: Math.ceil(total / size) }, body);
    let ms = 0;
    let cpu = 0;
    for (const payload of plan) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await post(
        port,
        '/api/v1/ingest/alerts/generic',
        tools.token,
        'application/x-ndjson',
        payload,
        agent,
      );
      ms += performance.now() - t0;
      cpu += cpuMs(c0);
      if (res.status >= 300) throw new Error(`tool alerts: ${res.status} ${res.text.slice(0, 300)}`);
    }
    const done = plan.length * size;
    return {
      dialect,
      path: 'HTTP tool alerts (new)',
      batch: size,
      events: done,
      'events/s': Math.round((done / ms) * 1000),
      'floor events/s': '—',
      ratio: '—',
      'CPU ms/1k': (cpu / done) * 1000,
      'ms/request': ms / plan.length,
      'floor ms/batch': '—',
    };
  }

  try {
    const out: ThroughputRow[] = [];
    // Batches of one record: what a request costs beyond its records (against a one-row commit).
    out.push(
      await measure(
        'HTTP NDJSON',
        1,
        300,
        '/api/v1/ingest/events',
        'application/x-ndjson',
        ehr.token,
        ndjsonBody,
        (r) => r.length,
      ),
    );
    out.push(
      await measure(
        'HTTP NDJSON',
        1_000,
        events.ndjson1k,
        '/api/v1/ingest/events',
        'application/x-ndjson',
        ehr.token,
        ndjsonBody,
        (r) => r.length,
      ),
    );
    out.push(
      await measure(
        'HTTP NDJSON',
        10_000,
        events.ndjson10k,
        '/api/v1/ingest/events',
        'application/x-ndjson',
        ehr.token,
        ndjsonBody,
        (r) => r.length,
      ),
    );
    out.push(
      await measure(
        'HTTP FHIR Bundle',
        1_000,
        events.fhir,
        '/api/v1/ingest/fhir',
        'application/fhir+json',
        fhir.token,
        bundleBody,
        (r) => r.length,
      ),
    );
    if (events.alerts) out.push(await measureAlerts(1_000, events.alerts));
    const { n: rowsNow } = await sql<{ n: number }>`select count(*) as n from access_events`
      .execute(store.db)
      .then((r) => r.rows[0]!);
    for (const row of out) row['rows at end'] = Number(rowsNow);
    return out;
  } finally {
    agent.destroy();
    await vigie.close();
    await new Promise<void>((resolve) => vigie.server.close(() => resolve()));
    await store.close();
    await twin.close();
  }
}
