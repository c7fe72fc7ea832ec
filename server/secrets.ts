// The master key for secrets at rest (TOTP secrets, audit seals): from
// VIGIE_SECRET_KEY, or generated once into the data directory with mode 0600
// (the directory, when this creates it, 0700).
// Never in the database. Each use derives its own key with HKDF.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

export const KEY_FILE = 'secret.key';

export function loadMasterKey(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': only the first start creates it; a concurrent start reads the winner's.
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new Error(
      `${file} is not a 64-hex-digit key; restore it from backup (secrets encrypted with it are unreadable without it)`,
    );
  return Buffer.from(text, 'hex');
}

/** A 32-byte key for one purpose ('totp', 'audit-seal'…), derived from the master key. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `vigie:${purpose}`, 32));
}
