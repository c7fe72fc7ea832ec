// Store failures mapped in one place: what each database error becomes, and
// how the HTTP error middleware answers it (status, code, Retry-After).
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Conflict } from '../../../server/errors.ts';
import { errorHandler } from '../../../server/http/errors.ts';
import { requestId } from '../../../server/http/request-context.ts';
import { classifyStoreError, storeFailure } from '../../../server/store/store-errors.ts';
import { createStoreHealth } from '../../../server/store/store-health.ts';
import { captureLogger } from '../../support/log.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyStoreError', () => {
  it.each([
    ['pg_terminate_backend (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'a dual-stack connect refused on both addresses',
      Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed')),
    ],
    ['a connection that ended', new Error('Connection terminated unexpectedly')],
    [
      'a connect timeout',
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ],
    ['a client whose connection died', new Error('Client has encountered a connection error and is not queryable')],
  ])('maps %s to 503 database.unavailable with Retry-After', (_what, error) => {
    expect(classifyStoreError(error)).toMatchObject({
      status: 503,
      code: 'database.unavailable',
      retryAfterSeconds: 5,
    });
  });

  it.each([
    ['SQLite SQLITE_FULL', withCode('database or disk is full', 'SQLITE_FULL')],
    [
      'PostgreSQL disk_full (53100)',
      withCode('could not extend file "base/16384/16385": No space left on device', '53100'),
    ],
    ['a file write with no space left (ENOSPC)', withCode('ENOSPC: no space left on device, write', 'ENOSPC')],
  ])('maps %s to 507 storage.full', (_what, error) => {
    expect(classifyStoreError(error)).toMatchObject({ status: 507, code: 'storage.full' });
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a SQLite constraint', withCode('UNIQUE constraint failed: users.email', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a project error', new Conflict('x.taken', 'taken')],
    ['not an error', 'Connection terminated'],
  ])('leaves %s alone', (_what, error) => {
    expect(classifyStoreError(error)).toBeUndefined();
    expect(storeFailure(error)).toBeUndefined();
  });
});

describe('the error middleware and store failures', () => {
  function appThrowing(error: unknown) {
    const logs = captureLogger();
    const health = createStoreHealth({ tracksSpace: true });
    const app = express();
    app.use(requestId());
    app.get('/x', () => {
      throw error;
    });
    app.use(errorHandler(logs.log, health));
    return { app, logs, health };
  }

  it('answers a lost connection with 503 database.unavailable and Retry-After, and logs the driver error', async () => {
    const { app, logs } = appThrowing(withCode('terminating connection due to administrator command', '57P01'));
    const res = await request(app).get('/x').set('X-Request-Id', 'req-db-down-01').expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toEqual({
      code: 'database.unavailable',
      message: 'The database is unavailable; retry shortly',
      requestId: 'req-db-down-01',
    });
    expect(logs.text()).toMatch(/"errorCode":"57P01"/);
    expect(logs.text()).toMatch(/terminating connection due to administrator command/);
  });

  it('answers a PostgreSQL disk_full with 507 storage.full', async () => {
    const { app } = appThrowing(withCode('could not extend file: No space left on device', '53100'));
    expect((await request(app).get('/x').expect(507)).body.error.code).toBe('storage.full');
  });

  it('notes a full disk in the store health, for readiness', async () => {
    const { app, health } = appThrowing(withCode('database or disk is full', 'SQLITE_FULL'));
    await request(app).get('/x').expect(507);
    expect(health.full?.message).toBe('database or disk is full');
    health.wrote();
    expect(health.full).toBeUndefined();
  });

  it('still answers anything else with a generic 500', async () => {
    const { app } = appThrowing(new TypeError('boom'));
    expect((await request(app).get('/x').expect(500)).body.error.code).toBe('internal');
  });
});
