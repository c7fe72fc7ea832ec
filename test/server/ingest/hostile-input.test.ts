// Hostile and odd input at the HTTP ingest edges (issue 11, items 1, 8 and 9):
// nesting that would overflow a recursive walker, times in the far future,
// compressed bodies and bombs, charsets and invalid UTF-8, trailing text.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receive } from '../../../server/ingest/pipeline/ingest-http.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { testConfig } from '../../support/config.ts';
import { describeEachDialect } from '../../support/db.ts';
import { read as fhirRead } from './fhir-examples.ts';
import { createSource, eventRecord, ndjson } from './helpers.ts';
import { genericAlert, wazuhAlert } from './tool-examples.ts';

const EVENTS = '/api/v1/ingest/events';
const NDJSON = 'application/x-ndjson';
/** Arrays nested `depth` deep: 2 bytes a level. */
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** The record's JSON with `field` set to arrays nested `depth` deep, written as text (JSON.stringify would overflow here too). */
const withDeep = (record: object, field: string, depth: number) =>
  JSON.stringify(record).replace(/}$/, `,"${field}":${deep(depth)}}`);

describeEachDialect('hostile input at the ingest edges', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    // Fixtures are dated 2026-11-28 around 14:00+01:00; the clock is just after them, with the default tolerance.
    t = await createTestApp({
      dialect,
      env: { VIGIE_INGEST_FUTURE_TOLERANCE_MINUTES: '60', VIGIE_INGEST_MAX_BYTES: String(256 * 1024) },
    });
    t.clock.set(Date.UTC(2026, 10, 28, 14, 0, 0));
  });
  afterEach(() => t.close());

  const post = (
    url: string,
    auth: string,
    body: string | Buffer,
    type = NDJSON,
    headers: Record<string, string> = {},
  ) => {
    const req = t.http.raw.post(url).set('Authorization', auth).set('Content-Type', type);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    // Bytes as they are: superagent would JSON-encode a Buffer sent as application/json.
    return req.serialize((b: unknown) => b as string).send(body);
  };
  const rows = () =>
    t.services.db.selectFrom('access_events').select(['userId', 'department', 'occurredAt']).orderBy('id').execute();

  it('refuses a record nested 10,000 deep alone, by line and reason, and keeps the 100 around it (events, JSON array too)', async () => {
    const { auth } = await createSource(t.services);
    const good = Array.from({ length: 100 }, (_, i) => eventRecord(i));
    const { context: _, ...record } = eventRecord(50);
    const hostile = withDeep(record, 'context', 10_000)
      .replace(`"context":[`, '"context":{"x":[')
      .replace(/]}$/, ']}}');
    const lines = [
      ...good.slice(0, 50).map((r) => JSON.stringify(r)),
      hostile,
      ...good.slice(50).map((r) => JSON.stringify(r)),
    ];
    const res = await post(EVENTS, auth, lines.join('\n')).expect(200);
    expect(res.body).toEqual({
      accepted: 100,
      rejected: [
        { index: 50, line: 51, reason: 'refused before parsing: nested deeper than 64 levels of arrays and objects' },
      ],
    });
    const array = await post(EVENTS, auth, `[${lines.join(',')}]`, 'application/json').expect(200);
    expect(array.body.rejected).toEqual([{ index: 50, reason: expect.stringMatching(/nested deeper than 64/) }]);
    expect(await rows()).toHaveLength(200);
    // Nesting just within the bound is still an ordinary record.
    await post(EVENTS, auth, JSON.stringify({ ...eventRecord(1), context: { x: JSON.parse(deep(62)) } })).expect(200);
    expect(hostile.length).toBeGreaterThan(20_000);
  });

  it('draws the depth bound at the same level whether the record is an NDJSON line, a JSON array element or a JSON object body', async () => {
    const { auth } = await createSource(t.services);
    // The record's object, its context and the arrays: 64 levels are kept, 65 are refused before parsing.
    const at = (levels: number) =>
      JSON.stringify({ ...eventRecord(1), context: { x: '"[{' } }).replace(
        '"x":"\\"[{"',
        `"x":"\\"[{","y":${deep(levels - 2)}`,
      );
    for (const [levels, ok] of [
      [64, true],
      [65, false],
    ] as const) {
      const text = at(levels);
      expect(JSON.parse(text).context.y).toBeDefined();
      const asLine = await post(EVENTS, auth, `${text}\n`);
      const asElement = await post(EVENTS, auth, `[${text}]`, 'application/json');
      const asObject = await post(EVENTS, auth, text, 'application/json');
      for (const res of [asLine, asElement, asObject]) {
        if (ok) expect(res.status).toBe(200);
        else
          expect([res.status, res.body.error.details.rejected[0].reason]).toEqual([
            400,
            'refused before parsing: nested deeper than 64 levels of arrays and objects',
          ]);
      }
    }
  });

  it('refuses a tool alert and a FHIR resource nested 10,000 deep alone (never 500)', async () => {
    const { auth } = await createSource(t.services, 'alerts');
    const hostile = withDeep(wazuhAlert, 'extra', 10_000);
    const res = await post(
      '/api/v1/ingest/alerts/wazuh',
      auth,
      [JSON.stringify(wazuhAlert), hostile, JSON.stringify({ ...wazuhAlert, agent: { id: '002' } })].join('\n'),
    ).expect(200);
    expect(res.body).toMatchObject({
      accepted: 2,
      rejected: [{ index: 1, line: 2, reason: expect.stringMatching(/nested deeper than 64/) }],
    });
    // Alone, it is the ordinary "every record refused", not an internal error.
    expect(
      (
        await post(
          '/api/v1/ingest/alerts/generic',
          auth,
          withDeep(genericAlert, 'raw', 10_000),
          'application/json',
        ).expect(400)
      ).body.error.code,
    ).toBe('ingest.all_rejected');

    const fhir = await createSource(t.services, 'fhir');
    const deepResource = withDeep(fhirRead, 'extension', 10_000);
    const outcome = await post(
      '/api/v1/ingest/fhir',
      fhir.auth,
      [JSON.stringify(fhirRead), deepResource].join('\n'),
      'application/fhir+ndjson',
    ).expect(200);
    expect(outcome.body.issue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'error',
          diagnostics: expect.stringMatching(/line 2: .*nested deeper than 64/),
        }),
      ]),
    );
  });

  it('refuses event and alert times too far in the future, with the reason, and takes them once the clock has come near', async () => {
    const { auth } = await createSource(t.services);
    const inTwoHours = eventRecord(1, { time: '2026-11-28T17:00:00+01:00' });
    const res = await post(
      EVENTS,
      auth,
      ndjson([eventRecord(2), eventRecord(3, { time: '9999-12-31T23:59:59Z' }), inTwoHours]),
    ).expect(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      {
        index: 1,
        line: 2,
        reason:
          "time: more than 60 minutes in the future (Vigie's clock says 2026-11-28T14:00:00.000Z); check the sender's clock and time zone",
      },
      { index: 2, line: 3, reason: expect.stringMatching(/^time: more than 60 minutes in the future/) },
    ]);
    t.clock.set(Date.UTC(2026, 10, 28, 15, 30));
    await post(EVENTS, auth, ndjson([inTwoHours])).expect(200);
    expect(await rows()).toHaveLength(2);

    const alerts = await createSource(t.services, 'alerts');
    const wazuh = await post(
      '/api/v1/ingest/alerts/wazuh',
      alerts.auth,
      JSON.stringify({ ...wazuhAlert, timestamp: '9999-01-01T00:00:00.000+0000' }),
      'application/json',
    ).expect(400);
    expect(wazuh.body.error.details.rejected[0].reason).toMatch(/^timestamp: more than 60 minutes in the future/);
    const generic = await post(
      '/api/v1/ingest/alerts/generic',
      alerts.auth,
      JSON.stringify({ ...genericAlert, time: '9999-01-01T00:00:00Z' }),
      'application/json',
    ).expect(400);
    expect(generic.body.error.details.rejected[0].reason).toMatch(/^time: more than 60 minutes in the future/);

    const fhir = await createSource(t.services, 'fhir');
    const outcome = await post(
      '/api/v1/ingest/fhir',
      fhir.auth,
      JSON.stringify({ ...fhirRead, recorded: '9999-01-01T00:00:00Z' }),
      'application/fhir+json',
    ).expect(400);
    expect(outcome.body.issue[0]).toMatchObject({
      expression: ['AuditEvent.recorded'],
      diagnostics: expect.stringMatching(/more than 60 minutes in the future/),
    });
  });

  it('reads gzip and deflate bodies (zlib or raw), hashes the decompressed bytes, and refuses other encodings with 415', async () => {
    const { auth } = await createSource(t.services);
    const body = ndjson([eventRecord(1), eventRecord(2)]);
    await post(EVENTS, auth, zlib.gzipSync(body), NDJSON, { 'Content-Encoding': 'gzip' }).expect(200);
    await post(EVENTS, auth, zlib.deflateSync(body), NDJSON, { 'Content-Encoding': 'deflate' }).expect(200);
    await post(EVENTS, auth, zlib.deflateRawSync(body), NDJSON, { 'Content-Encoding': 'deflate' }).expect(200);
    expect(await rows()).toHaveLength(6);
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select('details')
      .where('action', '=', 'ingest.batch')
      .orderBy('seq')
      .execute();
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(audit.map((a) => JSON.parse(a.details))).toEqual(
      Array(3).fill(expect.objectContaining({ sha256, bytes: Buffer.byteLength(body) })),
    );
    // The same records resent compressed with the same key are the same batch, not a conflict.
    await post(EVENTS, auth, body, NDJSON, { 'Idempotency-Key': 'k1' }).expect(200);
    const replay = await post(EVENTS, auth, zlib.gzipSync(body, { level: 1 }), NDJSON, {
      'Idempotency-Key': 'k1',
      'Content-Encoding': 'gzip',
    }).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const br = await post(EVENTS, auth, zlib.brotliCompressSync(body), NDJSON, { 'Content-Encoding': 'br' }).expect(
      415,
    );
    expect(br.body.error.code).toBe('ingest.content_encoding');
    const corrupt = await post(EVENTS, auth, zlib.gzipSync(body).subarray(0, 20), NDJSON, {
      'Content-Encoding': 'gzip',
    }).expect(400);
    expect(corrupt.body.error).toMatchObject({
      code: 'body.malformed',
      message: expect.stringMatching(/cannot be decompressed as gzip/),
    });
    expect(await rows()).toHaveLength(8);
  });

  it('answers a gzip bomb with 413 (the bound holds for the decompressed bytes), on every ingest route', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const ehr = await createSource(t.services);
    const alerts = await createSource(t.services, 'alerts');
    const fhir = await createSource(t.services, 'fhir');
    for (const [url, auth, type] of [
      [EVENTS, ehr.auth, NDJSON],
      ['/api/v1/ingest/alerts/generic', alerts.auth, NDJSON],
      ['/api/v1/ingest/fhir', fhir.auth, 'application/fhir+ndjson'],
    ] as const) {
      const res = await post(url, auth, bomb, type, { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(413);
    }
    // Every route reads gzip.
    await post(
      '/api/v1/ingest/alerts/generic',
      alerts.auth,
      zlib.gzipSync(JSON.stringify(genericAlert)),
      'application/json',
      { 'Content-Encoding': 'gzip' },
    ).expect(200);
    await post('/api/v1/ingest/fhir', fhir.auth, zlib.gzipSync(JSON.stringify(fhirRead)), 'application/fhir+json', {
      'Content-Encoding': 'gzip',
    }).expect(201);
  });

  it('refuses a record of invalid UTF-8 with its reason (never replaced), and decodes a declared Latin-1 body', async () => {
    const { auth } = await createSource(t.services);
    const latin1 = Buffer.from(JSON.stringify(eventRecord(1, { department: 'Médecine générale' })), 'latin1');
    const body = Buffer.concat([
      Buffer.from(JSON.stringify(eventRecord(0)) + '\n'),
      latin1,
      Buffer.from('\n' + JSON.stringify(eventRecord(2)) + '\n'),
    ]);
    const res = await post(EVENTS, auth, body).expect(200);
    expect(res.body).toEqual({
      accepted: 2,
      rejected: [
        {
          index: 1,
          line: 2,
          reason: expect.stringMatching(
            /^not valid UTF-8 \(byte \d+ of the record is 0xe9\); send UTF-8, or declare the charset/,
          ),
        },
      ],
    });
    await post(EVENTS, auth, latin1, `${NDJSON}; charset=ISO-8859-1`).expect(200);
    await post(
      EVENTS,
      auth,
      Buffer.concat([Buffer.from('['), latin1, Buffer.from(']')]),
      'application/json; charset="windows-1252"',
    ).expect(200);
    expect((await rows()).map((r) => r.department)).toEqual([
      'cardiologie',
      'cardiologie',
      'Médecine générale',
      'Médecine générale',
    ]);
    expect((await post(EVENTS, auth, latin1, `${NDJSON}; charset=utf-16`).expect(415)).body.error.code).toBe(
      'ingest.charset',
    );
  });

  it('answers a JSON object followed by text with 400 body.malformed, and reads each position once in a reason', async () => {
    const { auth } = await createSource(t.services);
    const trailing = await post(
      EVENTS,
      auth,
      `${JSON.stringify(eventRecord(1))} and some words`,
      'application/json',
    ).expect(400);
    expect(trailing.body.error).toMatchObject({
      code: 'body.malformed',
      message: expect.stringMatching(/unexpected text after the JSON object/),
    });
    expect(
      (await post(EVENTS, auth, '{"time": "2026-11-28T14:00:00Z", "action": "read"', 'application/json').expect(400))
        .body.error.code,
    ).toBe('body.malformed');
    const line = await post(
      EVENTS,
      auth,
      `${JSON.stringify(eventRecord(1))} x\n${JSON.stringify(eventRecord(2))}`,
    ).expect(200);
    expect(line.body.rejected).toEqual([
      {
        index: 0,
        line: 1,
        reason:
          'not valid JSON: Unexpected non-whitespace character after JSON at position ' +
          (JSON.stringify(eventRecord(1)).length + 1),
      },
    ]);
  });
});

describe('receive: a record whose mapper throws', () => {
  it('is refused alone, by line, with the kind of error (never its data); the rest of the batch is kept', async () => {
    const app = express();
    const config = testConfig();
    app.post('/x', async (req, res) => {
      const r = await receive(req, res, config, 'ndjson', (v) => {
        if ((v as { boom?: boolean }).boom)
          throw new TypeError('Cannot read properties of undefined (reading P1234567)');
        return v;
      });
      res.json({ items: r.items.length, rejected: r.rejected });
    });
    const res = await request(app)
      .post('/x')
      .set('Content-Type', NDJSON)
      .send('{"a":1}\n{"boom":true}\n{"b":2}\n')
      .expect(200);
    expect(res.body).toEqual({
      items: 2,
      rejected: [
        {
          index: 1,
          line: 2,
          reason: 'could not be mapped (TypeError); the record is refused, the rest of the batch is kept',
        },
      ],
    });
  });
});
