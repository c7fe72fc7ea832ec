// A standard authenticator app, written from RFC 6238 / RFC 4226 and the
// otpauth URI format alone (node:crypto HMAC, our own base32): it shares no
// code with Vigie's TOTP path, so agreeing with it means agreeing with any app.
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(key: Buffer, counter: number, digits = 6, algorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export interface Authenticator {
  issuer: string | null;
  label: string;
  secret: string;
  /** The code shown at this time (epoch ms), or `steps` periods away from it. */
  codeAt(ms: number, steps?: number): string;
}

/** Reads an otpauth://totp/ URI the way an app does after scanning the QR code. */
export function authenticatorFromUri(uri: string): Authenticator {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error(`not a TOTP URI: ${uri}`);
  const secret = url.searchParams.get('secret');
  if (!secret) throw new Error('no secret in the URI');
  const digits = Number(url.searchParams.get('digits') ?? 6);
  const period = Number(url.searchParams.get('period') ?? 30);
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toLowerCase();
  const key = base32Decode(secret);
  return {
    issuer: url.searchParams.get('issuer'),
    label: decodeURIComponent(url.pathname.replace(/^\//, '')),
    secret,
    codeAt: (ms, steps = 0) => hotp(key, Math.floor(ms / 1000 / period) + steps, digits, algorithm),
  };
}

/** The same, from a secret typed by hand (defaults of every app: SHA-1, 6 digits, 30 s). */
export function authenticatorFromSecret(secret: string): Authenticator {
  return authenticatorFromUri(`otpauth://totp/typed?secret=${encodeURIComponent(secret.replace(/\s+/g, ''))}`);
}

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
