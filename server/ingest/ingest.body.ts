// Reads an ingest request body as a stream of records, bounded in size, and
// hashes it on the way (the audit entry and the Idempotency-Key check use the
// SHA-256 of the exact bytes received).
import { createHash } from 'node:crypto';
import { AppError, Invalid, TooLarge } from '../errors.ts';
import { JsonArraySplitter, NdjsonSplitter, StructureError, type RecordSink } from './record-splitter.ts';

/** 415: the body is in a format this endpoint does not read. */
export class UnsupportedMediaType extends AppError {
  readonly status = 415;
}

export type BodyFormat = 'ndjson' | 'json';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines', 'application/fhir+ndjson']);
const JSON_TYPES = new Set(['application/json', 'application/fhir+json']);

/** The body format from a Content-Type header, or a 415 naming what is accepted. */
export function bodyFormat(contentType: string | undefined, accepted: readonly string[] = [...JSON_TYPES, ...NDJSON_TYPES]): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (accepted.includes(type)) return NDJSON_TYPES.has(type) ? 'ndjson' : 'json';
  throw new UnsupportedMediaType('ingest.content_type', `Content-Type ${type ? `"${type}"` : '(missing)'} is not accepted here; send one of: ${accepted.join(', ')}`);
}

/**
 * A JSON body holding either one record (an object) or many (an array):
 * decided by its first non-blank byte.
 */
class JsonBodySplitter {
  #array: JsonArraySplitter | undefined;
  #single: Buffer[] | undefined;
  constructor(private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    if (this.#array) return this.#array.push(chunk);
    if (this.#single) return void this.#single.push(chunk);
    let i = 0;
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
    if (i === chunk.length) return;
    if (chunk[i] === 0x7b) this.#single = [chunk.subarray(i)];
    else {
      this.#array = new JsonArraySplitter(this.sink);
      this.#array.push(chunk.subarray(i));
    }
  }

  end(): void {
    if (this.#single) this.sink(Buffer.concat(this.#single).toString('utf8').trim(), 0);
    else if (this.#array) this.#array.end();
    else throw new StructureError('empty body: expected a JSON array, a JSON object or NDJSON');
  }
}

export interface BodyDigest {
  bytes: number;
  sha256: string;
}

/**
 * Feeds the body's records to `sink` as they arrive. Throws TooLarge (413)
 * beyond `maxBytes`, Invalid (400, `body.malformed`) when the structure is broken.
 */
export async function readRecords(body: AsyncIterable<Buffer>, options: { format: BodyFormat; maxBytes: number; declaredLength?: number }, sink: RecordSink): Promise<BodyDigest> {
  const { maxBytes } = options;
  if (options.declaredLength !== undefined && options.declaredLength > maxBytes) throw tooLarge(maxBytes);
  const splitter = options.format === 'ndjson' ? new NdjsonSplitter(sink) : new JsonBodySplitter(sink);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      splitter.push(chunk);
    }
    splitter.end();
  } catch (error) {
    if (error instanceof StructureError) throw new Invalid('body.malformed', `Malformed body: ${error.message}`);
    // The client went away mid-body: nothing was kept, and nobody is left to answer.
    if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as Error).message === 'aborted') throw new Invalid('body.aborted', 'The request body was cut short');
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function tooLarge(maxBytes: number): TooLarge {
  return new TooLarge('body.too_large', `Request body larger than ${maxBytes} bytes (VIGIE_INGEST_MAX_BYTES); split the batch`, { maxBytes });
}
