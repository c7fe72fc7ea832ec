// Background jobs when the database fails under them: they survive a failed
// run and retry (retention: after a minute, then two…, not a day later), and
// the detector never evaluates on a state that a failed recovery left wrong.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDetectionRepo } from '../../../server/detection/detection.repo.ts';
import { createDetector } from '../../../server/detection/detector.job.ts';
import { createRetention } from '../../../server/ingest/retention/retention.job.ts';
import { createSourcesRepo } from '../../../server/ingest/sources/sources.repo.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { eventRow, insertEvents } from '../../support/events.ts';
import { alertSet } from '../detection/world.ts';

const dbDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

let t: TestApp | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
  t = undefined;
});

describe('the retention job', () => {
  it('retries a failed purge after a minute, then two, instead of a day later', async () => {
    t = await createTestApp();
    const { services } = t;
    let down = true;
    let attempts = 0;
    const accessEvents = {
      ...services.accessEvents,
      purgeBatch: async (...args: Parameters<typeof services.accessEvents.purgeBatch>) => {
        attempts++;
        if (down) throw dbDown();
        return services.accessEvents.purgeBatch(...args);
      },
    };
    const retention = createRetention({
      db: services.db,
      accessEvents,
      systemEvents: services.systemEvents,
      sources: createSourcesRepo(),
      audit: services.audit,
      clock: services.clock,
      log: t.logs.log,
      retentionDays: 365,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const job = retention.job();
    await job.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toBe(2);
    down = false;
    await vi.advanceTimersByTimeAsync(119_000);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(attempts).toBe(3);
    const purged = await services.db
      .selectFrom('audit_entries')
      .select('action')
      .where('action', '=', 'access_events.purged')
      .execute();
    expect(purged).toHaveLength(1);
    expect(t.logs.text()).toMatch(/retention purge failed; retrying/);
    await job.stop();
  });
});

describe('the detector', () => {
  it('after a failed batch whose recovery failed too, rebuilds its state before going on: the same alerts as a run without faults', async () => {
    const base = Date.parse('2026-03-04T10:00:00+01:00');
    const failures = (user: string) =>
      [0, 1, 2, 3, 4, 5, 6].map((i) =>
        eventRow({ time: base + i * 1000, user, action: 'login_failed', outcome: 'failure', workstation: 'SL-URG-01' }),
      );

    const clean = await createTestApp();
    let expected: string[];
    try {
      await insertEvents(clean.store, failures('svc-a'));
      const detector = createDetector(
        {
          ...clean.services,
          dialect: clean.store.dialect,
          repo: createDetectionRepo(),
          events: clean.services.accessEvents,
          log: clean.logs.log,
        },
        { batchSize: 3 },
      );
      await detector.drain();
      expected = await alertSet(clean.services);
    } finally {
      await clean.close();
    }
    expect(expected.length).toBeGreaterThan(0);

    t = await createTestApp();
    const { services } = t;
    await insertEvents(t.store, failures('svc-a'));
    const repo = createDetectionRepo();
    let failRaise = true;
    let failState = false;
    const detector = createDetector(
      {
        ...services,
        dialect: t.store.dialect,
        events: services.accessEvents,
        log: t.logs.log,
        // The database goes away while the batch with the hit commits, and stays away for the recovery that follows.
        alerts: {
          ...services.alerts,
          raise: async (...args: Parameters<typeof services.alerts.raise>) => {
            if (failRaise) {
              failRaise = false;
              failState = true;
              throw dbDown();
            }
            return services.alerts.raise(...args);
          },
        },
        repo: {
          ...repo,
          state: async (...args: Parameters<typeof repo.state>) => {
            if (failState) {
              failState = false;
              throw dbDown();
            }
            return repo.state(...args);
          },
        },
      },
      { batchSize: 3 },
    );
    await expect(detector.drain()).rejects.toThrow(/ECONNREFUSED/);
    await detector.drain();
    expect(await alertSet(services)).toEqual(expected);
  });
});
