// Slow uploaders (issue 11, item 7): real sockets trickling a body against a
// listening test server. A body has a deadline (408, connection closed, the
// writer place freed), and one source cannot hold every place of the queue.
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';

/** A raw HTTP request whose body is sent when the test says so. */
function rawUpload(base: string, auth: string, body: string, path = '/api/v1/ingest/events') {
  const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  let response = '';
  socket.on('data', (d) => (response += d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    socket,
    closed,
    response: () => response,
    status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0),
  };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDialect('slow uploaders', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    t.vigie.server.closeAllConnections();
    await new Promise<void>((resolve) => t.vigie.server.close(() => resolve()));
    await t.close();
  });

  it('cuts a body trickled a byte at a time at the deadline: 408 ingest.body_timeout, connection closed, place freed', async () => {
    t = await createTestApp({
      dialect,
      env: { VIGIE_INGEST_BODY_TIMEOUT_SECONDS: '1', VIGIE_INGEST_QUEUE_BATCHES: '2' },
    });
    const base = await t.listen();
    const { source, auth } = await createSource(t.services, 'ehr');
    const body = ndjson([eventRecord(1), eventRecord(2)]);
    const slow = rawUpload(base, auth, body);
    await until(() => t.services.ingestWriter.stats().pending === 1);
    const started = Date.now();
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < body.length - 1 && !slow.socket.destroyed) slow.socket.write(body[sent++]!);
    }, 100);
    try {
      await slow.closed;
    } finally {
      clearInterval(drip);
    }
    // Cut at about the deadline, long before the body could have ended (a byte per 100 ms).
    expect(Date.now() - started).toBeLessThan(3000);
    expect(slow.status(), slow.response()).toBe(408);
    expect(slow.response()).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(slow.response().slice(slow.response().indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'ingest.body_timeout' },
    });
    expect(t.services.ingestWriter.stats().pending).toBe(0);
    // Nothing of the cut body was kept; the source shows the refusal and why.
    expect(await t.services.db.selectFrom('access_events').select('id').execute()).toEqual([]);
    const res = await fetch(`${base}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-ndjson' },
      body,
    });
    expect(res.status).toBe(200);
    const view = await t.services.sources.get(source.id);
    expect(view.today).toMatchObject({ accepted: 2, refused: 1 });
    expect(view.lastError).toMatch(/took longer than 1 s/);
  });

  it('gives the FHIR endpoint the same deadline, answered as an OperationOutcome (issue type timeout)', async () => {
    t = await createTestApp({ dialect, env: { VIGIE_INGEST_BODY_TIMEOUT_SECONDS: '1' } });
    const base = await t.listen();
    const { auth } = await createSource(t.services, 'fhir');
    const slow = rawUpload(base, auth, '{"resourceType":"AuditEvent"}', '/api/v1/ingest/fhir');
    slow.socket.write('{');
    await slow.closed;
    expect(slow.status(), slow.response()).toBe(408);
    expect(slow.response()).toMatch(/"code":"timeout".*ingest\.body_timeout/);
    expect(t.services.ingestWriter.stats().pending).toBe(0);
  });

  it('keeps one source from taking every place: its fifth upload of eight places is 503 ingest.source_saturated, another source still gets in', async () => {
    t = await createTestApp({ dialect, env: { VIGIE_INGEST_QUEUE_BATCHES: '8' } });
    const base = await t.listen();
    const a = await createSource(t.services, 'ehr', 'greedy');
    const b = await createSource(t.services, 'ehr', 'other');
    const body = ndjson([eventRecord(1)]);
    const slow = Array.from({ length: 4 }, () => rawUpload(base, a.auth, body));
    await until(() => t.services.ingestWriter.stats().pending === 4);
    const post = (auth: string) =>
      fetch(`${base}/api/v1/ingest/events`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-ndjson' },
        body,
      });
    const fifth = await post(a.auth);
    expect(fifth.status).toBe(503);
    expect(fifth.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await fifth.json()).toMatchObject({
      error: { code: 'ingest.source_saturated', details: { maxPerSource: 4 } },
    });
    expect((await post(b.auth)).status).toBe(200);
    // The slow ones finish and are kept.
    for (const s of slow) s.socket.write(body);
    await until(() => slow.every((s) => s.status() !== 0));
    expect(slow.map((s) => s.status())).toEqual([200, 200, 200, 200]);
    expect(t.services.ingestWriter.stats().pending).toBe(0);
    expect(await t.services.db.selectFrom('access_events').select('id').execute()).toHaveLength(5);
  });
});
