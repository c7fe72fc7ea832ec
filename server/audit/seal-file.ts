// Seals: the head of the chain (seq, hash) and the time, signed with HMAC-SHA256
// under a key derived from the master key (never in the database), one JSON
// line each in data/audit-seals.jsonl. Someone who rewrites or truncates the
// table cannot forge a seal, so verification catches it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Problem, Seal } from './chain-walker.ts';
import { canonicalJson } from './hash-chain.ts';

export const SEAL_FILE = 'audit-seals.jsonl';
const VERSION = 1;

export function sealMac(key: Buffer, seal: Seal): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ v: VERSION, seq: seal.seq, hash: seal.hash, at: seal.at }))
    .digest('hex');
}

export function sealLine(key: Buffer, seal: Seal): string {
  return JSON.stringify({ v: VERSION, seq: seal.seq, hash: seal.hash, at: seal.at, mac: sealMac(key, seal) });
}

const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Checks one line; returns the seal, or the problem with it. */
export function parseSealLine(key: Buffer, text: string, line: number): Seal | Problem {
  const bad = (seq: number | null, why: string): Problem => ({
    kind: 'seal_invalid',
    seq,
    line,
    message: `seal file line ${line}: ${why}`,
  });
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return bad(null, 'not valid JSON (the file was edited or a write was cut short)');
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return bad(null, 'not a seal object');
  const seq = isCount(o.seq) ? o.seq : null;
  if (o.v !== VERSION) return bad(seq, `unknown seal version ${JSON.stringify(o.v)}`);
  if (seq === null || !isHex64(o.hash) || !isCount(o.at) || !isHex64(o.mac))
    return bad(seq, 'missing or malformed seq, hash, at or mac');
  const seal: Seal = { seq, hash: o.hash, at: o.at };
  const expected = Buffer.from(sealMac(key, seal), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(o.mac, 'hex'))) {
    return bad(seq, `the signature of the seal of #${seq} is wrong (the line was edited, or signed with another key)`);
  }
  return seal;
}

export interface SealFileReading {
  seals: Seal[];
  problems: Problem[];
  /** Lines read, valid or not. */
  lines: number;
  last: Seal | undefined;
}

export function createSealFile({ dataDir, key }: { dataDir: string; key: Buffer }) {
  const file = path.join(dataDir, SEAL_FILE);
  return {
    file,
    /** Appends one seal, durably: one write of a whole line in append mode, then fsync. The file is Vigie's user's only (0600). */
    async append(seal: Seal): Promise<void> {
      await fs.promises.mkdir(dataDir, { recursive: true, mode: 0o700 });
      const handle = await fs.promises.open(file, 'a', 0o600);
      try {
        await handle.write(sealLine(key, seal) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    /** Reads every line as a stream; a bad line is reported, never skipped silently. */
    async read(): Promise<SealFileReading> {
      const reading: SealFileReading = { seals: [], problems: [], lines: 0, last: undefined };
      let stream: fs.ReadStream;
      try {
        await fs.promises.access(file);
        stream = fs.createReadStream(file, { encoding: 'utf8' });
      } catch {
        return reading;
      }
      const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
      for await (const text of lines) {
        reading.lines += 1;
        if (text.trim() === '') {
          reading.problems.push({
            kind: 'seal_invalid',
            seq: null,
            line: reading.lines,
            message: `seal file line ${reading.lines}: empty line (the file was edited)`,
          });
          continue;
        }
        const result = parseSealLine(key, text, reading.lines);
        if ('kind' in result) reading.problems.push(result);
        else {
          reading.seals.push(result);
          reading.last = result;
        }
      }
      return reading;
    },
  };
}

export type SealFile = ReturnType<typeof createSealFile>;
