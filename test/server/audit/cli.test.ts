// The operator's check, as a cron job runs it: the real CLI in a child process
// on a SQLite file that someone edited directly.
import { spawn } from 'node:child_process';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices } from '../../../server/services.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir, testConfig } from '../../support/config.ts';
import { captureLogger } from '../../support/log.ts';

const KEY = 'a1'.repeat(32);

function cli(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'audit', ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', VIGIE_DATA_DIR: dataDir, VIGIE_SECRET_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run vigie -- audit verify', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = tempDir('vigie-audit-cli-');
    const config = testConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_SECRET_KEY: KEY });
    const store = openStore(config.database);
    await migrateToLatest(store.db);
    const services = createServices({
      config,
      store,
      log: captureLogger().log,
      clock: systemClock,
      realtime: createRealtime(),
    });
    for (let i = 1; i <= 30; i++) {
      await services.db.transaction().execute((trx) =>
        services.audit.record(trx, {
          actor: { kind: 'system' },
          action: 'alert.raised',
          target: { type: 'alert', id: i },
          details: { i },
        }),
      );
    }
    await store.close();
  });

  it('exits 0 on an intact trail, then 1 naming the entry edited in the SQLite file', async () => {
    const intact = await cli(dataDir, 'verify');
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/^Audit trail intact: 30 entries, head #30 [0-9a-f]{64}$/m);

    // The attacker opens the file, drops the append-only trigger (it refuses the
    // UPDATE otherwise — see the next test), and edits one entry in place.
    const raw = new SqliteDatabase(path.join(dataDir, 'vigie.db'));
    raw.exec('drop trigger audit_entries_no_update');
    expect(raw.prepare("update audit_entries set actor = 'user:innocent' where seq = 23").run().changes).toBe(1);
    raw.close();

    const broken = await cli(dataDir, 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Audit trail BROKEN at entry #23 (edited): #23 no longer matches its hash');
    const json = await cli(dataDir, 'verify', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'broken', problem: { kind: 'edited', seq: 23 } });
  }, 60_000);

  it('while the trigger is in place, the file refuses the edit', () => {
    const raw = new SqliteDatabase(path.join(dataDir, 'vigie.db'));
    try {
      expect(() => raw.prepare("update audit_entries set actor = 'user:innocent' where seq = 23").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('delete from audit_entries where seq > 20').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });

  it('`audit seal` signs the head; a truncated tail then makes verify exit 1', async () => {
    const sealed = await cli(dataDir, 'seal');
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stdout).toMatch(/^Sealed #30 [0-9a-f]{64} at \d{4}-\d\d-\d\dT[\d:.]+\+0[12]:00$/m);
    const raw = new SqliteDatabase(path.join(dataDir, 'vigie.db'));
    raw.exec('drop trigger audit_entries_no_delete');
    raw.prepare('delete from audit_entries where seq > 27').run();
    raw.close();
    const broken = await cli(dataDir, 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Audit trail BROKEN at entry #28 (truncated)');
    expect(broken.stdout).toMatch(/Seals: 1 valid in .*audit-seals\.jsonl, the last of #30/);
  }, 60_000);
});
