import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AlertItem } from '../../../server/wire/alerts.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSession, createUser } from '../../support/factories.ts';

function outcome(socket: Socket): Promise<'connected' | string> {
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (err) => resolve(err.message));
  });
}

describeEachDialect('realtime gateway', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    await t.listen();
  });
  afterEach(() => t.close());

  it('refuses a socket without a session, with a password-only session, or from another origin', async () => {
    expect(await outcome(t.socket())).toBe('unauthorized');
    const user = await createUser(t.services, { roles: ['analyst'] });
    const half = await createSession(t.services, user.id, 'password');
    expect(await outcome(t.socket(`vigie_session=${half.token}`))).toBe('unauthorized');
    const { cookie } = await t.as('analyst');
    expect(await outcome(t.socket(cookie, 'https://evil.example'))).not.toBe('connected');
  });

  it('pushes published events to the rooms of the role, and to no one else', async () => {
    const analyst = await t.as('analyst');
    const reporter = await t.as('reporter');
    const a = t.socket(analyst.cookie);
    const r = t.socket(reporter.cookie);
    expect(await outcome(a)).toBe('connected');
    expect(await outcome(r)).toBe('connected');
    const gotByReporter: unknown[] = [];
    r.on('alert.raised', (x) => gotByReporter.push(x));
    const received = new Promise((resolve) => a.on('alert.raised', resolve));
    const alert: AlertItem = {
      id: 1,
      rule: 'self-access',
      origin: 'detection',
      severity: 'high',
      status: 'new',
      title: 't',
      explanation: { fr: 'f', en: 'e' },
      count: 1,
      firstSeenAt: 1,
      lastSeenAt: 1,
      createdAt: 1,
      userId: 'u',
      patientId: '••••12',
      host: null,
    };
    t.services.realtime.publish('alert.raised', alert, ['role:analyst']);
    expect(await received).toEqual(alert);
    await new Promise((res) => setTimeout(res, 50));
    expect(gotByReporter).toEqual([]);
  });

  it('disconnects the socket of a revoked session at once', async () => {
    const { cookie, sessionId, http } = await t.as('analyst');
    const s = t.socket(cookie);
    expect(await outcome(s)).toBe('connected');
    const ended = new Promise((resolve) => s.on('session.ended', resolve));
    const disconnected = new Promise((resolve) => s.on('disconnect', resolve));
    await http.delete(`/api/v1/auth/sessions/${sessionId}`).expect(204);
    expect(await ended).toEqual({ reason: 'revoked' });
    expect(await disconnected).toBe('io server disconnect');
  });
});
