// How an ingest body's bytes become text: the Content-Encoding (gzip or
// deflate, decompressed as a stream) and the charset the Content-Type
// declares (UTF-8 unless it says otherwise; old French systems send Latin-1).
// Invalid UTF-8 is never replaced silently: the record holding it is refused
// with the byte it stops at, and the others are kept.
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AppError } from '../../errors.ts';

/** 415: the body is in a format (type, encoding or charset) this endpoint does not read. */
export class UnsupportedMediaType extends AppError {
  readonly status = 415;
}

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

/** The body's Content-Encoding, or a 415 naming what is accepted. */
export function contentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  throw new UnsupportedMediaType(
    'ingest.content_encoding',
    `Content-Encoding "${value.slice(0, 40)}" is not accepted; send the body as is, or with gzip or deflate`,
  );
}

/** Charsets a source may declare: UTF-8, and the ASCII-compatible single-byte ones old systems use (a newline is always byte 0x0a). */
const SINGLE_BYTE = new Map([
  ['iso-8859-1', 'windows-1252'], // as the WHATWG Encoding standard (and every browser) reads it
  ['latin1', 'windows-1252'],
  ['l1', 'windows-1252'],
  ['us-ascii', 'windows-1252'],
  ['ascii', 'windows-1252'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
  ['iso-8859-15', 'iso-8859-15'],
  ['latin9', 'iso-8859-15'],
]);

/** The charset parameter of a Content-Type: `utf-8`, a single-byte charset's WHATWG name, or a 415. */
export function bodyCharset(contentType: string | undefined): string {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  if (!m) return 'utf-8';
  const label = m[1]!.toLowerCase();
  if (label === 'utf-8' || label === 'utf8') return 'utf-8';
  const name = SINGLE_BYTE.get(label);
  if (name) return name;
  throw new UnsupportedMediaType(
    'ingest.charset',
    `charset "${label.slice(0, 40)}" is not accepted; send UTF-8, or declare iso-8859-1, windows-1252 or iso-8859-15`,
  );
}

/** A record's bytes that cannot be read in the declared charset: the reason, for its refusal. */
export interface Unreadable {
  unreadable: string;
}

/** The offset of the first byte that breaks UTF-8 (overlong forms and surrogates included), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (!n) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const d = b[i + 1]!;
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d > 0x9f) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d > 0x8f))
      return i;
    i += n + 1;
  }
  return -1;
}

export interface TextDecoding {
  /** The text of bytes that hold whole records, or undefined when one of them cannot be read (then decode them one by one). */
  whole(bytes: Buffer): string | undefined;
  /** The text of one record's bytes, or why it cannot be read. */
  one(bytes: Buffer): string | Unreadable;
}

export function textDecoding(charset: string): TextDecoding {
  if (charset === 'utf-8') {
    return {
      whole: (bytes) => (isUtf8(bytes) ? bytes.toString('utf8') : undefined),
      one(bytes) {
        // The native check first (a whole FHIR Bundle is one record): the walk only runs to say where.
        const at = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
        if (at < 0) return bytes.toString('utf8');
        return {
          unreadable: `not valid UTF-8 (byte ${at + 1} of the record is 0x${bytes[at]!.toString(16).padStart(2, '0')}); send UTF-8, or declare the charset, e.g. Content-Type: application/x-ndjson; charset=iso-8859-1`,
        };
      },
    };
  }
  // Single-byte: every byte is a character, nothing is unreadable and nothing waits across chunks.
  const decode =
    charset === 'windows-1252'
      ? windows1252
      : (
          (d) => (bytes: Buffer) =>
            d.decode(bytes)
        )(new TextDecoder(charset));
  return { whole: decode, one: decode };
}

// Bytes 0x80–0x9f in windows-1252 (what "iso-8859-1" means on the wire); 0x81, 0x8d, 0x8f, 0x90, 0x9d stay C1 controls.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const C1 = /[\u0080-\u009f]/g;
const HAS_C1 = /[\u0080-\u009f]/; // not C1: `test` on a /g expression moves its lastIndex

/** Node 20's TextDecoder reads windows-1252 as ISO-8859-1 (0x80 → U+0080, not €): decoded here, by the standard's table. */
function windows1252(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return HAS_C1.test(text) ? text.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : text;
}

/** A zlib stream (RFC 1950) starts with a header whose 16-bit value is a multiple of 31; raw deflate (sent as "deflate" by some clients) does not. */
function looksLikeZlib(b: Buffer): boolean {
  return b.length < 2 || ((b[0]! & 0x0f) === 8 && ((b[0]! << 8) | b[1]!) % 31 === 0);
}

/** The body decompressed as it arrives (pulled: a bomb is stopped by the caller's size bound, not held in memory). */
export async function* decompress(body: AsyncIterable<Buffer>, encoding: 'gzip' | 'deflate'): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const z =
    encoding === 'gzip'
      ? zlib.createGunzip()
      : looksLikeZlib(first.value)
        ? zlib.createInflate()
        : zlib.createInflateRaw();
  const input = Readable.from(
    (async function* () {
      yield first.value;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })(),
    { objectMode: false },
  );
  input.on('error', (error) => z.destroy(error));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } finally {
    input.unpipe(z);
    input.destroy();
    z.destroy();
  }
}

/** True for zlib's own errors (a corrupt or truncated compressed body). */
export function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
