// Seals: the file format, its checks, and the job that writes them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuditScopes, inScope } from '../../../server/audit/audit-scope.ts';
import { createAuditRepo } from '../../../server/audit/audit.repo.ts';
import { GENESIS_HASH } from '../../../server/audit/hash-chain.ts';
import { createSealFile, SEAL_FILE, sealLine } from '../../../server/audit/seal-file.ts';
import { createAuditSealer } from '../../../server/audit/sealer.job.ts';
import { deriveKey } from '../../../server/secrets.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { tempDir } from '../../support/config.ts';

const key = Buffer.alloc(32, 7);
const seal = (seq: number, at = 1000) => ({ seq, hash: String(seq % 10).repeat(64), at });

describe('seal file', () => {
  it('appends signed lines and reads them back', async () => {
    const dir = tempDir();
    const file = createSealFile({ dataDir: dir, key });
    await file.append(seal(3));
    await file.append(seal(9, 2000));
    expect(file.file).toBe(path.join(dir, SEAL_FILE));
    expect(await file.read()).toEqual({ seals: [seal(3), seal(9, 2000)], problems: [], lines: 2, last: seal(9, 2000) });
    expect(JSON.parse(fs.readFileSync(file.file, 'utf8').split('\n')[0]!)).toEqual({
      v: 1,
      ...seal(3),
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('no file yet reads as no seals', async () => {
    expect(await createSealFile({ dataDir: tempDir(), key }).read()).toEqual({
      seals: [],
      problems: [],
      lines: 0,
      last: undefined,
    });
  });

  it('reports every bad line with its number and reason, and keeps the good ones', async () => {
    const dir = tempDir();
    const lines = [
      sealLine(key, seal(1)),
      'not json',
      '',
      JSON.stringify({ v: 1, seq: 2 }),
      sealLine(Buffer.alloc(32, 8), seal(4)),
      sealLine(key, seal(5)).replace('"at":1000', '"at":1001'),
      JSON.stringify({ v: 2, seq: 6 }),
      sealLine(key, seal(7)),
    ];
    fs.writeFileSync(path.join(dir, SEAL_FILE), lines.join('\n') + '\n');
    const reading = await createSealFile({ dataDir: dir, key }).read();
    expect(reading.seals).toEqual([seal(1), seal(7)]);
    expect(reading.problems.map((p) => [p.line, p.seq, p.message.replace(/^seal file line \d+: /, '')])).toEqual([
      [2, null, 'not valid JSON (the file was edited or a write was cut short)'],
      [3, null, 'empty line (the file was edited)'],
      [4, 2, 'missing or malformed seq, hash, at or mac'],
      [5, 4, 'the signature of the seal of #4 is wrong (the line was edited, or signed with another key)'],
      [6, 5, 'the signature of the seal of #5 is wrong (the line was edited, or signed with another key)'],
      [7, 6, 'unknown seal version 2'],
    ]);
    expect(reading.problems.every((p) => p.kind === 'seal_invalid')).toBe(true);
  });
});

describe('sealing job', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await t.close();
  });
  const append = (n: number) =>
    t.services.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++)
        await t.services.audit.record(trx, { actor: { kind: 'system' }, action: 'test.append' });
    });

  it('is a background job of the services, sealing into the data directory with the derived key', async () => {
    expect(t.services.background).toContain(t.services.auditSealer);
    expect(t.services.auditSealer.file).toBe(path.join(t.config.dataDir, 'audit-seals.jsonl'));
    await append(2);
    await t.services.auditSealer.sealNow();
    const reading = await createSealFile({
      dataDir: t.config.dataDir,
      key: deriveKey(t.services.masterKey, 'audit-seal'),
    }).read();
    expect(reading.seals).toEqual([{ seq: 2, hash: expect.any(String), at: t.clock.now() }]);
    // Under the master key itself (or another purpose), the seal does not verify.
    expect(
      (await createSealFile({ dataDir: t.config.dataDir, key: t.services.masterKey }).read()).problems,
    ).toHaveLength(1);
  });

  it('seals at start (even the empty chain), at each interval when the head moved, and at stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const seals = createSealFile({ dataDir: tempDir(), key });
    const job = createAuditSealer({
      db: t.services.db,
      repo: createAuditRepo(),
      seals,
      clock: t.clock,
      intervalMs: 60_000,
      log: t.logs.log,
    });
    const heads = async () => (await seals.read()).seals.map((s) => s.seq);

    await job.start();
    expect((await seals.read()).seals).toEqual([{ seq: 0, hash: GENESIS_HASH, at: t.clock.now() }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await heads()).toEqual([0]); // the head did not move: no new line
    await append(3);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(async () => expect(await heads()).toEqual([0, 3]));
    await append(1);
    await job.stop();
    expect(await heads()).toEqual([0, 3, 4]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(await heads()).toEqual([0, 3, 4]); // stopped: no timer left
  });

  it('a failed seal is logged, and the next one still happens', async () => {
    const dir = tempDir();
    const seals = createSealFile({ dataDir: path.join(dir, 'blocked'), key });
    fs.writeFileSync(path.join(dir, 'blocked'), 'a file where the directory should be');
    const job = createAuditSealer({
      db: t.services.db,
      repo: createAuditRepo(),
      seals,
      clock: t.clock,
      intervalMs: 60_000,
      log: t.logs.log,
    });
    await job.start();
    await job.stop();
    expect(t.logs.text()).toContain('audit seal failed');
    fs.rmSync(path.join(dir, 'blocked'));
    await expect(job.sealNow()).resolves.toMatchObject({ seq: 0 });
  });
});

describe('who sees which entries', () => {
  it('readers allowed everything see every entry; others the target types modules registered as incident work', () => {
    const scopes = createAuditScopes();
    expect(scopes.scopeFor(true)).toBeNull();
    expect(scopes.scopeFor(false)).toEqual([]);
    scopes.registerIncidentWork('incident', 'task');
    scopes.registerIncidentWork('alert');
    expect(scopes.scopeFor(false)).toEqual(['alert', 'incident', 'task']);
    for (const type of ['incident', 'alert', 'task']) expect(inScope(scopes.scopeFor(false), type), type).toBe(true);
    for (const type of ['session', 'user', 'source', 'rule', 'access_event', null])
      expect(inScope(scopes.scopeFor(false), type), String(type)).toBe(false);
    expect(inScope(null, null)).toBe(true);
  });

  it('in the running app, the alerts module registers alerts as incident work', async () => {
    const t = await createTestApp();
    try {
      expect(t.services.scopes.scopeFor(false)).toEqual(['alert']);
    } finally {
      await t.close();
    }
  });
});
