// HTTP contract of /api/v1/audit: permissions, filters, keyset paging, scope.
// The entries are those of test/support/audit-seed.ts (four kinds by seq % 4).
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from '../../support/app.ts';
import { SEED_START, seededAuditApp } from '../../support/audit-seed.ts';
import { describeEachDialect } from '../../support/db.ts';

interface Item {
  seq: number;
  at: number;
  actor: { label: string; kind: string; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  details: Record<string, unknown>;
  hash: string;
}
type Client = Awaited<ReturnType<TestApp['as']>>['http'];

const START = SEED_START;

describeEachDialect('audit API', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  let analyst: Awaited<ReturnType<TestApp['as']>>;

  beforeEach(async () => {
    ({ t, admin, analyst } = await seededAuditApp(dialect));
  });
  afterEach(() => t.close());

  const list = async (client: Client, query: Record<string, string | number> = {}) => {
    const res = await client.get('/api/v1/audit').query(query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Item[]; nextCursor: string | null };
  };

  it('needs a session and the audit permissions', async () => {
    expect((await t.http.get('/api/v1/audit')).status).toBe(401);
    expect((await t.http.get('/api/v1/audit/verify')).status).toBe(401);
    for (const role of ['reporter', 'approver'] as const) {
      const { http } = await t.as(role);
      expect((await http.get('/api/v1/audit')).status, role).toBe(403);
      expect((await http.get('/api/v1/audit/export?format=csv')).status, role).toBe(403);
    }
    const verify = await analyst.http.get('/api/v1/audit/verify');
    expect(verify.status).toBe(403);
    expect(verify.body.error.code).toBe('auth.forbidden');
  });

  it('lists newest first, with the actor named, the target and readable details', async () => {
    const { items, nextCursor } = await list(admin.http, { limit: 3 });
    expect(items.map((i) => i.seq)).toEqual([40, 39, 38]);
    expect(nextCursor).toEqual(expect.any(String));
    expect(items[0]).toMatchObject({
      seq: 40,
      at: START + 40 * 60_000,
      actor: {
        label: `user:${admin.userId}`,
        kind: 'user',
        id: admin.userId,
        name: expect.stringMatching(/^Utilisateur/),
      },
      action: 'user.login',
      target: { type: 'session', id: 's40' },
      details: {},
      requestId: 'r',
      address: '10.0.0.9',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(items[1]).toMatchObject({
      actor: { label: `user:${admin.userId}` },
      action: 'source.update',
      target: { type: 'source', id: '=1+1' },
    });
    expect((await list(admin.http, { limit: 1, action: 'alert.raised' })).items[0]).toMatchObject({
      actor: { label: 'system', kind: 'system', name: null },
      details: { rule: 'bulk-access' },
    });
  });

  it('pages through everything by cursor, each entry once, in order', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(admin.http, {
        limit: 7,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => 40 - i));
    expect(pages).toBe(6);
  });

  it('filters by actor, action (exact or prefix), target and period', async () => {
    const seqs = async (q: Record<string, string>) =>
      (await list(admin.http, { limit: 200, ...q })).items.map((i) => i.seq);
    const every = (mod: number) => Array.from({ length: 40 }, (_, i) => 40 - i).filter((s) => s % 4 === mod);
    expect(await seqs({ actor: `user:${analyst.userId}` })).toEqual(every(2));
    expect(await seqs({ actor: 'system' })).toEqual(every(1));
    expect(await seqs({ action: 'user.login' })).toEqual(every(0));
    expect(await seqs({ action: 'user.' })).toEqual(every(0));
    expect(await seqs({ action: 'user' })).toEqual([]);
    expect(await seqs({ action: 'incident.' })).toEqual(every(2));
    expect(await seqs({ targetType: 'incident', targetId: '0' })).toEqual(every(2).filter((s) => s % 3 === 0));
    expect(await seqs({ targetType: 'alert' })).toEqual(every(1));
    // 10:05 to 10:08 Paris time, written with the offset: from inclusive, to exclusive.
    expect(await seqs({ from: '2026-11-28T10:05:00+01:00', to: '2026-11-28T10:08:00+01:00' })).toEqual([7, 6, 5]);
    expect(await seqs({ from: '2026-11-28T09:05:00Z', to: '2026-11-28T09:08:00.000Z', actor: 'system' })).toEqual([5]);
    expect(await seqs({ actor: '', action: '' })).toHaveLength(40);
    // Exclusions ("exclure" from a cell).
    expect(await seqs({ 'not.actor': 'system' })).toEqual(
      [...every(0), ...every(2), ...every(3)].sort((a, b) => b - a),
    );
    expect(await seqs({ 'not.action': 'user.', 'not.targetType': 'alert' })).toEqual(
      [...every(2), ...every(3)].sort((a, b) => b - a),
    );
    expect(await seqs({ 'not.action': 'source.update', actor: `user:${admin.userId}` })).toEqual(every(0));
  });

  it('refuses bad filters with a message naming the parameter', async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const res = await admin.http.get('/api/v1/audit').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.message, JSON.stringify(query)).toContain(field);
    };
    await bad({ from: '2026-11-28T10:00:00' }, 'from: an ISO 8601 time with its offset');
    await bad({ to: 'yesterday' }, 'to');
    await bad({ from: '2026-11-28T10:00:00Z', to: '2026-11-28T09:00:00Z' }, 'to: must be after from');
    await bad({ action: 'user login' }, 'action');
    await bad({ targetId: '3' }, 'targetType: is needed with targetId');
    await bad({ cursor: 'abc' }, 'cursor');
    await bad({ limit: '0' }, 'limit');
    await bad({ limit: '500' }, 'limit: at most 200');
    await bad({ acteur: 'system' }, 'acteur');
  });

  it('analysts see only entries that concern incidents; admins see all', async () => {
    const theirs = await list(analyst.http, { limit: 200 });
    expect(new Set(theirs.items.map((i) => i.target?.type))).toEqual(new Set(['alert', 'incident']));
    expect(theirs.items).toHaveLength(20);
    expect((await list(analyst.http, { targetType: 'session' })).items).toEqual([]);
    expect((await list(analyst.http, { actor: `user:${admin.userId}` })).items).toEqual([]);
    expect((await list(analyst.http, { action: 'alert.' })).items).toHaveLength(10);
    expect((await list(admin.http, { limit: 200 })).items).toHaveLength(40);
  });

  it("gives one entry by its number, within the reader's scope", async () => {
    const one = await admin.http.get('/api/v1/audit/entries/3');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      seq: 3,
      action: 'source.update',
      target: { type: 'source', id: '=1+1' },
      details: { name: 'DPI "Orbis", site A' },
    });
    expect((await analyst.http.get('/api/v1/audit/entries/2')).body).toMatchObject({
      seq: 2,
      action: 'incident.update',
    });
    const hidden = await analyst.http.get('/api/v1/audit/entries/3');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('audit.not_found');
    expect((await admin.http.get('/api/v1/audit/entries/999')).status).toBe(404);
    const bad = await admin.http.get('/api/v1/audit/entries/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('seq: an entry number');
  });

  it('offers the distinct action names for the filter', async () => {
    const res = await analyst.http.get('/api/v1/audit/actions');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(['alert.raised', 'incident.update', 'source.update', 'user.login']);
  });

  it('no route changes or deletes an entry', async () => {
    const before = await t.store.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    for (const url of [
      '/api/v1/audit',
      '/api/v1/audit/1',
      '/api/v1/audit/entries/1',
      '/api/v1/audit/verify',
      '/api/v1/audit/export',
    ]) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await admin.http[method](url).send({ actor: 'x' });
        expect(res.status, `${method} ${url}`).toBe(404);
      }
    }
    expect(await t.store.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute()).toEqual(before);
  });

  it('verification answers intact with the count and head, or where it is broken', async () => {
    const intact = await admin.http.get('/api/v1/audit/verify');
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({
      status: 'intact',
      count: 40,
      head: { seq: 40, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      seals: { count: 0, last: null, problems: [] },
    });
    expect((await admin.http.get('/api/v1/audit/verify?deep=1')).status).toBe(400);
    const { dropAppendOnlyTriggers } = await import('../../support/audit-tamper.ts');
    await dropAppendOnlyTriggers(t.store);
    await t.store.db.updateTable('audit_entries').set({ actor: 'user:someone-else' }).where('seq', '=', 17).execute();
    const broken = await admin.http.get('/api/v1/audit/verify');
    expect(broken.body).toMatchObject({
      status: 'broken',
      problem: { kind: 'edited', seq: 17, message: expect.stringContaining('#17') },
    });
  });
});
