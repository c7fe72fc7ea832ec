// Issue 11, item 12: an open console tab does not keep its session alive. The
// gateway's minute re-check only looks; when the session goes idle the socket
// is told and disconnected.
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

const MINUTE = 60_000;

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
  });
}

describeEachDialect('realtime gateway and the idle timeout', (dialect) => {
  let t: TestApp;
  let rechecks: number;
  beforeEach(async () => {
    // Only the gateway's interval is faked; sockets keep their real timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    t = await createTestApp({ dialect });
    await t.listen();
    rechecks = 0;
    const real = t.services.sessions.resolve;
    vi.spyOn(t.services.sessions, 'resolve').mockImplementation(async (...args) => {
      try {
        return await real(...args);
      } finally {
        rechecks++;
      }
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    await t.close();
  });

  /** Moves the fake clock a minute and lets the gateway's re-check run to its end. */
  async function minute(sockets: number): Promise<void> {
    t.clock.advance(MINUTE);
    const before = rechecks;
    await vi.advanceTimersByTimeAsync(MINUTE);
    for (let i = 0; i < 200 && rechecks < before + sockets; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
  }

  it('disconnects a socket whose session went idle, however long it stayed open', async () => {
    const { cookie, sessionId } = await t.as('analyst');
    const s = t.socket(cookie);
    await connected(s);
    const ended: unknown[] = [];
    s.on('session.ended', (info) => ended.push(info));
    const lastSeen = async () =>
      (
        await t.store.db
          .selectFrom('sessions')
          .select('lastSeenAt')
          .where('id', '=', sessionId)
          .executeTakeFirstOrThrow()
      ).lastSeenAt;
    const seenAt = await lastSeen();

    for (let m = 1; m < 30; m++) await minute(1);
    // Twenty-nine minutes of re-checks: still connected, and none of them was activity.
    expect(s.connected).toBe(true);
    expect(await lastSeen()).toBe(seenAt);

    await minute(1);
    expect(ended).toEqual([{ reason: 'expired' }]);
    expect(s.connected).toBe(false);
    // The session itself is idle for every request too.
    await t.http.get('/api/v1/auth/me').set('Cookie', cookie).expect(401);
  });

  it('keeps the socket while its user is active over HTTP, and ends it once they stop', async () => {
    const { cookie, http } = await t.as('analyst');
    const s = t.socket(cookie);
    await connected(s);
    for (let m = 1; m <= 20; m++) await minute(1);
    await http.get('/api/v1/auth/me').expect(200); // someone at the screen
    for (let m = 1; m < 30; m++) await minute(1);
    expect(s.connected).toBe(true);
    const ended = new Promise((resolve) => s.on('session.ended', resolve));
    await minute(1);
    expect(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still connected'), 2000))])).toEqual({
      reason: 'expired',
    });
    expect(s.connected).toBe(false);
  });

  it('does not count a reconnection as activity', async () => {
    const { cookie, sessionId } = await t.as('analyst');
    t.clock.advance(10 * MINUTE);
    const s = t.socket(cookie);
    await connected(s);
    const row = await t.store.db
      .selectFrom('sessions')
      .select(['lastSeenAt', 'createdAt'])
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row.lastSeenAt).toBe(row.createdAt);
  });
});
