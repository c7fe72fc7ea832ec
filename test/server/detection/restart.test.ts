// The restart test: a detector process killed with SIGKILL mid-stream, then
// restarted, ends with exactly the alerts of an uninterrupted run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDetectionRepo } from '../../../server/detection/detection.repo.ts';
import { createLogger } from '../../../server/log.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices, type Services } from '../../../server/services.ts';
import { openStore, type Store } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir } from '../../support/config.ts';
import { describeEachDialect, pgSchemaUrl } from '../../support/db.ts';
import { alertSet, appendLines, eventLines, importDirectory, smallMonth } from './world.ts';

const ROOT = path.resolve('.');
/** Long enough for baselines to matter (off-hours and bulk need a week of history). */
const MONTH = { staff: 45, patients: 1500, days: 16, seed: 5 };

interface World {
  env: Record<string, string>;
  store: Store;
  services: Services;
  lastId: number;
  dispose(): Promise<void>;
}

async function world(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const dataDir = tempDir('vigie-restart-');
  const pg = dialect === 'postgres' ? await pgSchemaUrl() : undefined;
  const env: Record<string, string> = {
    VIGIE_DATA_DIR: dataDir,
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    VIGIE_LOG_LEVEL: 'warn',
    ...(pg ? { VIGIE_DATABASE_URL: pg.url } : {}),
  };
  const config = loadConfig(env);
  const store = openStore(config.database);
  await migrateToLatest(store.db);
  const services = createServices({
    config,
    store,
    log: createLogger(config),
    clock: systemClock,
    realtime: createRealtime(),
  });
  const month = smallMonth(MONTH).files;
  await importDirectory(services, month);
  const ids = await appendLines(store, eventLines(month));
  return {
    env,
    store,
    services,
    lastId: ids[ids.length - 1]!,
    async dispose() {
      await store.close();
      await pg?.dispose();
    },
  };
}

/** `vigie detector run` in a child process; with `killAt`, SIGKILL once its committed cursor passes it. */
function runDetector(w: World, killAt?: number): Promise<{ killed: boolean; cursorAtKill?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', 'detector', 'run', '--batch-size', '300', '--snapshot-every', '4000'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...w.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let killed = false;
    let cursorAtKill: number | undefined;
    const poll = killAt
      ? setInterval(async () => {
          const cursor = await createDetectionRepo().cursor(w.store.db, 'detector');
          if (!killed && cursor >= killAt) {
            killed = true;
            cursorAtKill = cursor;
            child.kill('SIGKILL');
          }
        }, 15)
      : undefined;
    child.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', cursorAtKill });
      else reject(new Error(`detector exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describeEachDialect('detector restart after SIGKILL', (dialect) => {
  const worlds: World[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.dispose();
  });

  it('resumes from its committed cursor: the alerts equal those of an uninterrupted run', async () => {
    const uninterrupted = await world(dialect);
    const interrupted = await world(dialect);
    worlds.push(uninterrupted, interrupted);

    await runDetector(uninterrupted);
    const expected = await alertSet(uninterrupted.services);
    expect(expected.length).toBeGreaterThan(10);

    // Killed twice, at about a third and two thirds of the log, between snapshots.
    const first = await runDetector(interrupted, Math.round(interrupted.lastId / 3));
    expect(first.killed).toBe(true);
    expect(first.cursorAtKill!).toBeLessThan(interrupted.lastId);
    const second = await runDetector(interrupted, Math.round((2 * interrupted.lastId) / 3));
    expect(second.killed).toBe(true);
    expect(second.cursorAtKill!).toBeLessThan(interrupted.lastId);
    await runDetector(interrupted);

    expect(await alertSet(interrupted.services)).toEqual(expected);
    // And the state it rebuilt is the state of the uninterrupted run, to the byte.
    const state = async (w: World) => (await createDetectionRepo().state(w.store.db, 'detector'))!;
    const [a, b] = [await state(uninterrupted), await state(interrupted)];
    expect(b.cursor).toBe(a.cursor);
    expect(b.snapshot).toBe(a.snapshot);
  }, 240_000);
});
