import { afterEach, beforeEach, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from '../../../server/audit/hash-chain.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

describeEachDialect('audit.record', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('chains entries appended from concurrent transactions without a fork', async () => {
    const { audit, db } = t.services;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db.transaction().execute((trx) =>
          audit.record(trx, {
            actor: { kind: 'system' },
            action: 'test.append',
            target: { type: 'n', id: i },
            details: { i },
          }),
        ),
      ),
    );
    const rows = await db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    expect(rows).toHaveLength(200);
    let prev = GENESIS_HASH;
    rows.forEach((row, i) => {
      expect(row.seq).toBe(i + 1);
      expect(row.prevHash).toBe(prev);
      expect(row.hash).toBe(entryHash(row));
      prev = row.hash;
    });
  });

  it('an entry rolled back with its transaction leaves no trace', async () => {
    const { audit, db } = t.services;
    await expect(
      db.transaction().execute(async (trx) => {
        await audit.record(trx, { actor: { kind: 'system' }, action: 'test.rollback' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction().execute((trx) => audit.record(trx, { actor: { kind: 'cli' }, action: 'test.after' }));
    const rows = await db.selectFrom('audit_entries').select(['seq', 'action']).execute();
    expect(rows).toEqual([{ seq: 1, action: 'test.after' }]);
  });
});
