// inTransaction and afterCommit: work queued in a transaction runs after its
// commit, never after a rollback; nested calls join the outer transaction; a
// session revoked in a transaction ends its sockets only once that commits.
import { sql } from 'kysely';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { afterCommit, inTransaction } from '../../../server/store/transaction.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
  });
}

describeEachDialect('work after commit', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  const count = async () =>
    Number((await sql<{ n: number }>`select count(*) as n from audit_entries`.execute(t.services.db)).rows[0]!.n);

  it('runs queued work after the commit, in order, and sees the committed rows', async () => {
    const seen: string[] = [];
    const before = await count();
    const result = await inTransaction(t.services.db, async (trx, later) => {
      await t.services.audit.record(trx, { actor: { kind: 'system' }, action: 'test.one' });
      later(() => seen.push('first'));
      afterCommit(trx, () => seen.push('second'));
      expect(seen).toEqual([]);
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual(['first', 'second']);
    expect(await count()).toBe(before + 1);
  });

  it('never runs work queued in a transaction that rolls back', async () => {
    const seen: string[] = [];
    const before = await count();
    await expect(
      inTransaction(t.services.db, async (trx, later) => {
        await t.services.audit.record(trx, { actor: { kind: 'system' }, action: 'test.rolled_back' });
        later(() => seen.push('should not run'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('a nested call joins the outer transaction: its work waits for the outer commit, and dies with its rollback', async () => {
    const seen: string[] = [];
    await inTransaction(t.services.db, async (outer) => {
      await inTransaction(outer, async (_inner, later) => later(() => seen.push('inner')));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['inner']);
    await expect(
      inTransaction(t.services.db, async (outer) => {
        await inTransaction(outer, async (_inner, later) => later(() => seen.push('inner again')));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(seen).toEqual(['inner']);
  });

  it('a failing piece of work does not stop the others nor turn the committed call into an error', async () => {
    const seen: string[] = [];
    await inTransaction(t.services.db, async (_trx, later) => {
      later(() => {
        throw new Error('publish failed');
      });
      later(() => seen.push('after the failure'));
    });
    expect(seen).toEqual(['after the failure']);
    expect(t.logs.text()).toContain('work after commit failed');
  });

  it('refuses afterCommit outside a transaction opened by inTransaction', async () => {
    expect(() => afterCommit(t.services.db, () => undefined)).toThrow(/not inside a transaction/);
    await t.services.db.transaction().execute(async (trx) => {
      expect(() => afterCommit(trx, () => undefined)).toThrow(/not inside a transaction/);
    });
  });

  it('a revoked session reaches its live socket only when the revoking transaction commits', async () => {
    await t.listen();
    const { cookie, sessionId } = await t.as('analyst');
    const socket = t.socket(cookie);
    await connected(socket);
    const events: string[] = [];
    socket.on('session.ended', (e: { reason: string }) => events.push(`ended:${e.reason}`));
    const disconnected = new Promise((resolve) => socket.on('disconnect', resolve));

    // Rolled back: the session stays live and the socket stays connected.
    await expect(
      inTransaction(t.services.db, async (trx) => {
        await t.services.sessions.revoke(trx, sessionId, 'revoked');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]);
    expect(socket.connected).toBe(true);
    expect(await t.services.sessions.isLive(t.services.db, sessionId)).toBe(true);

    // Committed: the socket hears it, after the commit and not before.
    let committed = false;
    await inTransaction(t.services.db, async (trx, later) => {
      await t.services.sessions.revoke(trx, sessionId, 'revoked');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).toEqual([]);
      later(() => (committed = true));
    });
    expect(committed).toBe(true);
    expect(await disconnected).toBe('io server disconnect');
    expect(events).toEqual(['ended:revoked']);
  });
});
