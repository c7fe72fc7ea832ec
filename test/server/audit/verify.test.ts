// Verification on a real database: the triggers refuse changes; once an
// attacker drops them, every kind of tampering is still found and located.
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditEntryRow } from '../../../server/audit/audit.repo.ts';
import { entryHash } from '../../../server/audit/hash-chain.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { dropAppendOnlyTriggers, renumberAfter, swapEntries } from '../../support/audit-tamper.ts';
import { describeEachDialect } from '../../support/db.ts';

const N = 30;

describeEachDialect('audit verification', (dialect) => {
  let t: TestApp;
  let original: AuditEntryRow[];

  beforeEach(async () => {
    t = await createTestApp({ dialect });
    const { audit, db } = t.services;
    for (let i = 1; i <= N; i++) {
      t.clock.advance(1000);
      const actor =
        i % 3 === 0
          ? ({ kind: 'system' } as const)
          : ({
              kind: 'user',
              id: `u${i % 4}`,
              roles: ['analyst'],
              sessionId: 's',
              requestId: `req-${i}`,
              address: '10.1.2.3',
            } as const);
      await db.transaction().execute((trx) =>
        audit.record(trx, {
          actor,
          action: i % 2 ? 'alert.updated' : 'user.login',
          target: { type: i % 2 ? 'alert' : 'session', id: i },
          details: { i, note: `entrée ${i}` },
        }),
      );
    }
    original = await db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
  });
  afterEach(() => t.close());

  const verify = () => t.services.auditVerifier.verify();
  const row = (seq: number) => original[seq - 1]!;

  it('an untouched trail is intact: count, head and seals', async () => {
    await t.services.auditSealer.sealNow();
    expect(await verify()).toMatchObject({
      status: 'intact',
      count: N,
      head: { seq: N, hash: row(N).hash },
      seals: { count: 1, last: { seq: N }, problems: [] },
    });
  });

  it('the database refuses to change or delete an entry (triggers)', async () => {
    const refusal = /append-only/;
    await expect(
      t.store.db.updateTable('audit_entries').set({ actor: 'user:x' }).where('seq', '=', 3).execute(),
    ).rejects.toThrow(refusal);
    await expect(t.store.db.deleteFrom('audit_entries').where('seq', '=', 3).execute()).rejects.toThrow(refusal);
    if (dialect === 'postgres') await expect(sql`truncate audit_entries`.execute(t.store.db)).rejects.toThrow(refusal);
    expect(await t.store.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute()).toEqual(original);
    expect(await verify()).toMatchObject({ status: 'intact', count: N });
  });

  it('a change to any field of an entry is found and located, and restoring it makes the trail intact again', async () => {
    await dropAppendOnlyTriggers(t.store);
    const changes: Partial<AuditEntryRow>[] = [
      { at: row(12).at + 1 },
      { actor: 'user:someone-else' },
      { requestId: 'req-forged' },
      { address: '203.0.113.7' },
      { action: 'user.logout' },
      { targetType: 'incident' },
      { targetId: '999' },
      { details: '{"i":12,"note":"rien"}' },
      { prevHash: 'f'.repeat(64) },
      { hash: 'e'.repeat(64) },
    ];
    for (const change of changes) {
      const field = Object.keys(change)[0] as keyof AuditEntryRow;
      await t.store.db.updateTable('audit_entries').set(change).where('seq', '=', 12).execute();
      expect(await verify(), field).toMatchObject({ status: 'broken', problem: { kind: 'edited', seq: 12 } });
      await t.store.db
        .updateTable('audit_entries')
        .set({ [field]: row(12)[field] })
        .where('seq', '=', 12)
        .execute();
      expect(await verify(), `${field} restored`).toMatchObject({ status: 'intact', count: N });
    }
  });

  it('an entry edited with its hash recomputed is still found', async () => {
    await dropAppendOnlyTriggers(t.store);
    const forged = { ...row(8), actor: 'user:innocent' };
    await t.store.db
      .updateTable('audit_entries')
      .set({ actor: forged.actor, hash: entryHash(forged) })
      .where('seq', '=', 8)
      .execute();
    expect(await verify()).toMatchObject({ status: 'broken', problem: { kind: 'edited', seq: 8 } });
  });

  it('a deleted entry is found as removed', async () => {
    await dropAppendOnlyTriggers(t.store);
    await t.store.db.deleteFrom('audit_entries').where('seq', '=', 7).execute();
    expect(await verify()).toMatchObject({ status: 'broken', problem: { kind: 'removed', seq: 7 } });
    const logged = t.logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'audit trail broken');
    expect(logged).toMatchObject({ level: 'error', kind: 'removed', seq: 7 });
  });

  it('a deleted entry whose gap was closed by renumbering is found as removed', async () => {
    await dropAppendOnlyTriggers(t.store);
    await t.store.db.deleteFrom('audit_entries').where('seq', '=', 7).execute();
    await renumberAfter(t.store.db, 7, -1);
    expect(await verify()).toMatchObject({ status: 'broken', problem: { kind: 'removed', seq: 7 } });
  });

  it('an inserted entry, even one hashed and linked like a real one, is found as inserted', async () => {
    await dropAppendOnlyTriggers(t.store);
    await renumberAfter(t.store.db, 9, 1);
    const fields = { ...row(10), seq: 10, at: row(9).at + 1, actor: 'user:alibi', prevHash: row(9).hash };
    await t.store.db
      .insertInto('audit_entries')
      .values({ ...fields, hash: entryHash(fields) })
      .execute();
    expect(await verify()).toMatchObject({ status: 'broken', problem: { kind: 'inserted', seq: 10 } });
  });

  it('two swapped entries are found as reordered, naming both', async () => {
    await dropAppendOnlyTriggers(t.store);
    await swapEntries(t.store.db, 5, 17);
    expect(await verify()).toMatchObject({
      status: 'broken',
      problem: { kind: 'reordered', seq: 5, message: '#5 and #17 were swapped' },
    });
  });

  it('a truncated tail is caught by the seal of the head', async () => {
    await t.services.auditSealer.sealNow();
    await dropAppendOnlyTriggers(t.store);
    await t.store.db.deleteFrom('audit_entries').where('seq', '>', 25).execute();
    expect(await verify()).toMatchObject({ status: 'broken', problem: { kind: 'truncated', seq: 26 } });
  });

  it('a chain rewritten from #20 on with valid hashes passes the links but not the seals', async () => {
    const { audit, db, auditSealer } = t.services;
    await auditSealer.sealNow();
    await dropAppendOnlyTriggers(t.store);
    await db.deleteFrom('audit_entries').where('seq', '>=', 20).execute();
    // Re-appended through record() itself: every hash and link is right.
    for (let i = 20; i <= N; i++)
      await db
        .transaction()
        .execute((trx) =>
          audit.record(trx, { actor: { kind: 'system' }, action: 'alert.updated', target: { type: 'alert', id: i } }),
        );
    const answer = await verify();
    expect(answer).toMatchObject({ status: 'broken', problem: { kind: 'rewritten', seq: N } });
    expect(answer.status === 'broken' && answer.problem.message).toContain(`#${N} differs from its seal`);
  });

  it('a bad line in the seal file is reported, not ignored', async () => {
    const { auditSealer } = t.services;
    await auditSealer.sealNow();
    const file = auditSealer.file;
    const good = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, '{"v":1,"seq":3\n');
    expect(await verify()).toMatchObject({
      status: 'broken',
      problem: { kind: 'seal_invalid', seq: null, line: 2 },
      seals: { count: 1 },
    });
    // A seal moved back to an earlier head keeps its old signature: refused.
    fs.writeFileSync(file, good.replace(`"seq":${N}`, '"seq":3'));
    expect(await verify()).toMatchObject({
      status: 'broken',
      problem: { kind: 'seal_invalid', seq: 3, line: 1, message: expect.stringContaining('signature') },
      seals: { count: 0 },
    });
  });

  it('concurrent verifications share one walk', async () => {
    const [a, b] = await Promise.all([verify(), verify()]);
    expect(a).toBe(b);
    expect(await verify()).not.toBe(a);
  });
});
