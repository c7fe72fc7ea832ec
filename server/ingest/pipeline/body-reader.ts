// Reads an ingest request body as a stream of records, bounded in size, and
// hashes it on the way (the audit entry and the Idempotency-Key check use the
// SHA-256 of the body's bytes after its Content-Encoding is undone: the same
// records sent again, compressed or not, are the same batch).
import { createHash } from 'node:crypto';
import { Invalid, TooLarge } from '../../errors.ts';
import {
  decompress,
  isZlibError,
  textDecoding,
  UnsupportedMediaType,
  type ContentEncoding,
  type TextDecoding,
} from './body-decoding.ts';
import { JsonArraySplitter, NdjsonSplitter, StructureError, type RecordSink } from './record-splitter.ts';

export { UnsupportedMediaType };

export type BodyFormat = 'ndjson' | 'json';

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
  'application/fhir+ndjson',
]);
const JSON_TYPES = new Set(['application/json', 'application/fhir+json']);

/** The body format from a Content-Type header, or a 415 naming what is accepted. */
export function bodyFormat(
  contentType: string | undefined,
  accepted: readonly string[] = [...JSON_TYPES, ...NDJSON_TYPES],
): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (accepted.includes(type)) return NDJSON_TYPES.has(type) ? 'ndjson' : 'json';
  throw new UnsupportedMediaType(
    'ingest.content_type',
    `Content-Type ${type ? `"${type}"` : '(missing)'} is not accepted here; send one of: ${accepted.join(', ')}`,
  );
}

/**
 * A JSON body holding either one record (an object) or many (an array):
 * decided by its first non-blank byte.
 */
class JsonBodySplitter {
  #array: JsonArraySplitter | undefined;
  #single: Buffer[] | undefined;
  constructor(
    private readonly sink: RecordSink,
    private readonly decoding: TextDecoding,
  ) {}

  push(chunk: Buffer): void {
    if (this.#array) return this.#array.push(chunk);
    if (this.#single) return void this.#single.push(chunk);
    let i = 0;
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
    if (i === chunk.length) return;
    if (chunk[i] === 0x7b) this.#single = [chunk.subarray(i)];
    else {
      this.#array = new JsonArraySplitter(this.sink, this.decoding);
      this.#array.push(chunk.subarray(i));
    }
  }

  end(): void {
    if (this.#single) {
      const bytes = this.#single.length === 1 ? this.#single[0]! : Buffer.concat(this.#single);
      const { end, deepest } = objectEnd(bytes);
      if (end < 0) throw new StructureError('the JSON object is not closed (the body was cut short?)');
      for (let i = end; i < bytes.length; i++)
        if (!isBlank(bytes[i]!)) throw new StructureError(`unexpected text after the JSON object (at byte ${i})`);
      const text = this.decoding.one(bytes.subarray(0, end));
      // The walk that found the end measured the nesting too: the record's depth is not scanned again.
      this.sink(typeof text === 'string' ? text.trim() : text, 0, undefined, deepest);
    } else if (this.#array) this.#array.end();
    else throw new StructureError('empty body: expected a JSON array, a JSON object or NDJSON');
  }
}

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The index just after the brace that closes the object opening `bytes` (-1
 * when it is not closed), and the deepest nesting of arrays and objects on
 * the way (strings skipped): one walk finds the end and measures the depth.
 */
function objectEnd(bytes: Buffer): { end: number; deepest: number } {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x22) {
      // A string is skipped natively, to its closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        const q = bytes.indexOf(0x22, i + 1);
        if (q < 0) return { end: -1, deepest };
        let k = q - 1;
        while (bytes[k] === 0x5c) k--;
        i = q;
        if ((q - 1 - k) % 2 === 0) break;
      }
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if ((b === 0x7d || b === 0x5d) && --depth === 0) return { end: i + 1, deepest };
  }
  return { end: -1, deepest };
}

export interface BodyDigest {
  bytes: number;
  sha256: string;
}

export interface ReadOptions {
  format: BodyFormat;
  /** Bound on the bytes received and, for a compressed body, on the bytes it decompresses to. */
  maxBytes: number;
  declaredLength?: number;
  encoding?: ContentEncoding;
  /** `utf-8` or a single-byte charset's WHATWG name (body-decoding.ts, bodyCharset). */
  charset?: string;
}

/** The bytes as received, stopped with a 413 past `maxBytes`. */
async function* bounded(body: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

/**
 * Feeds the body's records to `sink` as they arrive. Throws TooLarge (413)
 * beyond `maxBytes` (received or decompressed), Invalid (400, `body.malformed`)
 * when the structure or the compression is broken. `bytes` and `sha256` are
 * those of the decompressed body.
 */
export async function readRecords(
  body: AsyncIterable<Buffer>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<BodyDigest> {
  const { maxBytes } = options;
  if (options.declaredLength !== undefined && options.declaredLength > maxBytes) throw tooLarge(maxBytes);
  const decoding = textDecoding(options.charset ?? 'utf-8');
  const splitter =
    options.format === 'ndjson' ? new NdjsonSplitter(sink, decoding) : new JsonBodySplitter(sink, decoding);
  const encoding = options.encoding ?? 'identity';
  const received = bounded(body, maxBytes);
  const source = encoding === 'identity' ? received : decompress(received, encoding);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      splitter.push(chunk);
    }
    splitter.end();
  } catch (error) {
    if (error instanceof StructureError) throw new Invalid('body.malformed', `Malformed body: ${error.message}`);
    if (isZlibError(error))
      throw new Invalid(
        'body.malformed',
        `Malformed body: it cannot be decompressed as ${encoding} (${(error as Error).message})`,
      );
    // The client went away mid-body: nothing was kept, and nobody is left to answer.
    if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as Error).message === 'aborted')
      throw new Invalid('body.aborted', 'The request body was cut short');
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function tooLarge(maxBytes: number): TooLarge {
  return new TooLarge(
    'body.too_large',
    `Request body larger than ${maxBytes} bytes (VIGIE_INGEST_MAX_BYTES; decompressed bytes count too); split the batch`,
    { maxBytes },
  );
}
