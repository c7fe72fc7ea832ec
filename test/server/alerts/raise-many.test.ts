// raiseMany (a tool's batch) must store exactly what raise does input by
// input: the same alert rows and ids, the same folding counts, evidence,
// results and audit entries (the same chain, hash for hash).
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RaiseAlertInput } from '../../../server/alerts/alerts.service.ts';
import { legacyExplanation } from '../../../server/alerts/explanations.ts';
import { inTransaction } from '../../../server/store/transaction.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

const actor = { kind: 'system' } as const;

function input(fingerprint: string, seenAt: number, extra: Partial<RaiseAlertInput> = {}): RaiseAlertInput {
  return {
    origin: 'generic',
    rule: `generic:${fingerprint.split('-')[0]}`,
    severity: 'medium',
    title: `Alert ${fingerprint}`,
    explanation: legacyExplanation({ fr: `Alerte ${fingerprint}`, en: `Alert ${fingerprint}` }),
    fingerprint,
    windowMs: 1_000,
    seenAt,
    details: { raw: { fingerprint, seenAt } },
    ...extra,
  };
}

/** Alerts already stored before the batch: open ones, one dismissed, one outside the window. */
const before: RaiseAlertInput[] = [input('a', 10_000), input('b', 10_000), input('c', 10_000), input('old', 1_000)];

/** The batch: folds into stored and new alerts, repeats, out-of-order times, evidence, and enough distinct alerts to cross chunks. */
const batch: RaiseAlertInput[] = [
  input('a', 10_500, { occurrences: 3, evidence: [5, 6] }),
  input('n1', 20_000),
  input('n1', 20_400, { lastSeenAt: 20_900, evidence: [7] }),
  input('n1', 25_000),
  input('a', 9_800, { title: { fr: 'Encore a', en: 'a again' } }),
  input('c', 10_100),
  input('old', 9_000),
  input('b', 99_000, { windowMs: 10 }),
  input('b', 99_005, { evidence: [8, 8, 9] }),
  ...Array.from({ length: 950 }, (_, i) =>
    input(`many-${i}`, 30_000 + i, {
      userId: `u${i}`,
      patientId: i % 7 ? null : `P${i}`,
      host: 'h',
      severity: i % 2 ? 'high' : 'low',
    }),
  ),
  input('many-3', 30_500),
  input('n1', 25_100, { occurrences: 0 }),
];

describeEachDialect('alerts.raiseMany', (dialect) => {
  let one: TestApp;
  let many: TestApp;
  beforeEach(async () => {
    [one, many] = [await createTestApp({ dialect }), await createTestApp({ dialect })];
    for (const t of [one, many]) {
      await inTransaction(t.services.db, async (trx) => {
        for (const i of before) await t.services.alerts.raise(trx, actor, i);
      });
      await t.services.db.updateTable('alerts').set({ status: 'dismissed' }).where('fingerprint', '=', 'c').execute();
      t.clock.advance(60_000);
    }
  });
  afterEach(async () => {
    await one.close();
    await many.close();
  });

  async function stored(t: TestApp) {
    const db = t.services.db;
    return {
      alerts: await db.selectFrom('alerts').selectAll().orderBy('id').execute(),
      evidence: await db.selectFrom('alert_evidence').selectAll().orderBy('alertId').orderBy('eventId').execute(),
      audit: await db.selectFrom('audit_entries').selectAll().orderBy('seq').execute(),
    };
  }

  it('stores the same rows, counts, evidence and audit chain as raising one by one, and answers the same', async () => {
    const sequential = await inTransaction(one.services.db, async (trx) => {
      const out = [];
      for (const i of batch) out.push(await one.services.alerts.raise(trx, actor, i));
      return out;
    });
    const batched = await inTransaction(many.services.db, (trx) => many.services.alerts.raiseMany(trx, actor, batch));
    expect(batched).toEqual(sequential);
    const [a, b] = [await stored(one), await stored(many)];
    expect(b.alerts).toEqual(a.alerts);
    expect(b.evidence).toEqual(a.evidence);
    expect(b.audit).toEqual(a.audit);

    // What a user would notice: the folds and the new alerts, with their counts.
    const count = (fingerprint: string) =>
      b.alerts.filter((r) => r.fingerprint === fingerprint).map((r) => [r.status, r.count]);
    expect(count('a')).toEqual([['new', 5]]);
    expect(count('n1')).toEqual([
      ['new', 2],
      ['new', 2],
    ]);
    expect(count('c')).toEqual([
      ['dismissed', 1],
      ['new', 1],
    ]);
    expect(count('old')).toEqual([
      ['new', 1],
      ['new', 1],
    ]);
    expect(count('b')).toEqual([
      ['new', 1],
      ['new', 2],
    ]);
    expect(count('many-3')).toEqual([['new', 2]]);
    expect(b.alerts).toHaveLength(before.length + 2 + 1 + 1 + 1 + 950);
    // Every created alert is audited as raised, every fold as an update, in input order.
    const entries = b.audit.slice(before.length).map((e) => e.action);
    expect(entries).toEqual(sequential.map((r) => (r.created ? 'alert.raised' : 'alert.updated')));
    expect(new Set(b.audit.filter((e) => e.action === 'alert.raised').map((e) => e.targetId))).toEqual(
      new Set(b.alerts.map((r) => String(r.id))),
    );
  });

  it('folds into alerts raised earlier in the same transaction one by one, and an empty batch does nothing', async () => {
    await inTransaction(many.services.db, async (trx) => {
      await many.services.alerts.raise(trx, actor, input('x', 50_000));
      expect(await many.services.alerts.raiseMany(trx, actor, [])).toEqual([]);
      const [r] = await many.services.alerts.raiseMany(trx, actor, [input('x', 50_100, { occurrences: 4 })]);
      expect(r).toMatchObject({ created: false, alert: { fingerprint: 'x', count: 5 } });
    });
  });
});
