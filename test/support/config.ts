import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';

export function tempDir(prefix = 'vigie-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A configuration as the server would load it, from VIGIE_* values, with a fresh data directory. */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    VIGIE_DATA_DIR: tempDir(),
    VIGIE_PORT: '3000',
    VIGIE_LOG_LEVEL: 'warn',
    VIGIE_SECRET_KEY: '0f'.repeat(32),
    // The fake clock starts at 09:00Z on 2026-11-28 and the fixtures' events fall later that day:
    // tests of the future bound set their own tolerance.
    VIGIE_INGEST_FUTURE_TOLERANCE_MINUTES: '10080',
    ...env,
  });
}
