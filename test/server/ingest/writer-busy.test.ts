// Main-thread writers while another connection (the ingest writer thread, a
// CLI command) holds SQLite's write lock: they wait asynchronously — the
// event loop and reads go on — and are counted for the thread's fair turn.
// Errors from the thread come back as the same classes and codes.
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditRepo } from '../../../server/audit/audit.repo.ts';
import { createAuditService } from '../../../server/audit/audit.service.ts';
import { systemClock } from '../../../server/clock.ts';
import { AppError, Conflict, Unavailable } from '../../../server/errors.ts';
import { rebuildError, sendError } from '../../../server/ingest/pipeline/thread-errors.ts';
import { openStore, type Store } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir } from '../../support/config.ts';

describe('main-thread writes while another connection holds the write lock', () => {
  let store: Store | undefined;
  let other: SqliteDatabase.Database | undefined;
  afterEach(async () => {
    other?.close();
    await store?.close();
  });

  it('wait without blocking the event loop, let reads through, are counted, and commit once the lock is free', async () => {
    const file = path.join(tempDir(), 'vigie.db');
    store = openStore({ kind: 'sqlite', file });
    await migrateToLatest(store.db);
    const audit = createAuditService({ repo: createAuditRepo(), clock: systemClock, dialect: 'sqlite' });
    other = new SqliteDatabase(file);
    other.exec('begin immediate');

    let committed = false;
    const write = store.db
      .transaction()
      .execute((trx) =>
        audit.record(trx, { actor: { kind: 'system' }, action: 'test.write', target: { type: 'n', id: 1 } }),
      )
      .then(() => (committed = true));
    const autocommit = store.db.updateTable('sources').set({ lastSeenAt: 1 }).execute();
    // A timer fires and a read answers while both writes wait (a synchronous busy_timeout would hold the thread).
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 50));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await store.db.selectFrom('audit_entries').select('seq').execute()).toEqual([]);
    expect(committed).toBe(false);
    expect(Atomics.load(store.waitingWriters!, 0)).toBeGreaterThanOrEqual(1);

    other.exec('commit');
    await write;
    await autocommit;
    expect(committed).toBe(true);
    expect(Atomics.load(store.waitingWriters!, 0)).toBe(0);
    expect((await store.db.selectFrom('audit_entries').select('action').execute()).map((r) => r.action)).toEqual([
      'test.write',
    ]);
  });
});

describe('errors from the writer thread', () => {
  const across = (e: unknown) => rebuildError(structuredClone(sendError(e)));

  it('come back as the same project error class, code, status, details and Retry-After', () => {
    const conflict = across(new Conflict('ingest.idempotency_key_reused', 'reused', { key: 'k' }));
    expect(conflict).toBeInstanceOf(Conflict);
    expect(conflict).toMatchObject({
      code: 'ingest.idempotency_key_reused',
      status: 409,
      message: 'reused',
      details: { key: 'k' },
    });
    const busy = across(new Unavailable('ingest.saturated', 'full', 7));
    expect(busy).toBeInstanceOf(Unavailable);
    expect(busy).toBeInstanceOf(AppError);
    expect(busy).toMatchObject({ status: 503, retryAfterSeconds: 7 });
  });

  it('keep SQLite error codes (a full disk, a constraint) as better-sqlite3 SqliteErrors', () => {
    const full = across(new SqliteDatabase.SqliteError('database or disk is full', 'SQLITE_FULL'));
    expect(full).toBeInstanceOf(SqliteDatabase.SqliteError);
    expect(full).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    const db = new SqliteDatabase(':memory:');
    db.exec('create table t (id integer primary key)');
    db.exec('insert into t values (1)');
    let thrown: unknown;
    try {
      db.exec('insert into t values (1)');
    } catch (e) {
      thrown = e;
    }
    db.close();
    expect(across(thrown)).toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    const plain = across(new TypeError('boom'));
    expect(plain).toMatchObject({ name: 'TypeError', message: 'boom' });
    expect(plain).not.toBeInstanceOf(AppError);
  });
});
