// Issue 11, item 14: what Vigie writes to disk (the SQLite database with its
// WAL, the generated master key, the audit seals) is its own user's only,
// whatever the umask lets through.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, describe } from 'vitest';
import { createSealFile } from '../../../server/audit/seal-file.ts';
import { loadMasterKey } from '../../../server/secrets.ts';
import { openStore } from '../../../server/store/db.ts';
import { migrateToLatest } from '../../../server/store/migrate.ts';
import { tempDir } from '../../support/config.ts';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('file modes of the data directory', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = tempDir('vigie-modes-');
    // The common default, which gave 0755 and 0644 before.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the SQLite database 0600 (its WAL too) in directories 0700', async () => {
    const dataDir = path.join(root, 'data', 'vigie');
    const file = path.join(dataDir, 'vigie.db');
    const store = openStore({ kind: 'sqlite', file });
    try {
      await migrateToLatest(store.db);
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.join(root, 'data'))).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('creates the generated master key 0600 and the audit seal file 0600, in a data directory 0700', async () => {
    const keyDir = path.join(root, 'keys');
    loadMasterKey({ secretKey: undefined, dataDir: keyDir });
    expect(modeOf(keyDir)).toBe(0o700);
    expect(modeOf(path.join(keyDir, 'secret.key'))).toBe(0o600);

    const sealDir = path.join(root, 'seals');
    const seals = createSealFile({ dataDir: sealDir, key: Buffer.alloc(32, 1) });
    await seals.append({ seq: 1, hash: 'a'.repeat(64), at: 1 });
    expect(modeOf(sealDir)).toBe(0o700);
    expect(modeOf(seals.file)).toBe(0o600);
  });
});
