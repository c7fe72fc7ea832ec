// What the ingest endpoints share: the Idempotency-Key header, streaming a
// body through a per-record mapper, and sending a committed batch's answer.
import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { AppError, Invalid, TooLarge } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { StoreHealth } from '../../store/store-health.ts';
import type { SourcesService } from '../sources/sources.service.ts';
import { isSkip, mapperFailure, type Skip } from '../tools/tool-alert.ts';
import { bodyCharset, contentEncoding } from './body-decoding.ts';
import { readRecords, type BodyFormat } from './body-reader.ts';
import type { BatchAnswer, IngestService, Refusal } from './ingest.service.ts';
import { jsonTooDeep, MAX_JSON_DEPTH, TOO_DEEP_MESSAGE } from './json-bounds.ts';
import { jsonErrorReason } from './record-splitter.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What the ingest routes call. */
export interface IngestRoutesDeps {
  ingest: IngestService;
  sources: SourcesService;
  clock: Clock;
  config: Readonly<Config>;
  log: Logger;
  /** Where store failures are noted, for readiness. */
  health: StoreHealth;
}

export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key))
    throw new Invalid('ingest.idempotency_key_invalid', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  return key;
}

/**
 * Streams the body (decompressed, decoded in its declared charset) through
 * `each`: record → stored value, the reason it is refused, or a skip (a
 * record the format ignores by design). A record too deeply nested is refused
 * before it is parsed, and one whose mapper throws is refused alone: the
 * batch goes on. The connection is closed after a 413 so the rest of an
 * oversized body is not read.
 */
export async function receive<T>(
  req: Request,
  res: Response,
  config: Readonly<Config>,
  format: BodyFormat,
  each: (value: unknown, index: number) => T | string | Skip,
) {
  const items: T[] = [];
  const rejected: Refusal[] = [];
  let skipped = 0;
  const declared = req.get('content-length');
  const encoding = contentEncoding(req.get('content-encoding'));
  const charset = bodyCharset(req.get('content-type'));
  try {
    const digest = await readRecords(
      // Not destroyed on an early exit: the error answer must still reach the client.
      req.iterator({ destroyOnReturn: false }),
      {
        format,
        maxBytes: config.ingest.maxBytes,
        declaredLength: declared === undefined ? undefined : Number(declared),
        encoding,
        charset,
      },
      (text, index, line, deepest) => {
        if (typeof text !== 'string') return refuse(rejected, index, line, text.unreadable);
        // A JSON body's splitter measured the depth while cutting the record out; an NDJSON line is scanned here.
        if (deepest === undefined ? jsonTooDeep(text) : deepest > MAX_JSON_DEPTH)
          return refuse(rejected, index, line, `refused before parsing: ${TOO_DEEP_MESSAGE}`);
        let value: unknown;
        try {
          if (!text) throw new SyntaxError('Unexpected end of JSON input');
          value = JSON.parse(text);
        } catch (error) {
          return refuse(rejected, index, line, jsonErrorReason(error));
        }
        let r: T | string | Skip;
        try {
          r = each(value, index);
        } catch (error) {
          r = mapperFailure(error);
        }
        if (typeof r === 'string') refuse(rejected, index, line, r);
        else if (isSkip(r)) skipped++;
        else items.push(r);
      },
    );
    return { items, rejected, skipped, digest };
  } catch (error) {
    if (error instanceof TooLarge) res.setHeader('Connection', 'close');
    throw error;
  }
}

// At module level, not a closure made per record: under tsx (how Vigie runs) each
// named closure is also given its name at run time, ~2 µs a record on this path.
function refuse(rejected: Refusal[], index: number, line: number | undefined, reason: string): void {
  rejected.push(line === undefined ? { index, reason } : { index, line, reason });
}

export function sendAnswer(res: Response, answer: BatchAnswer, contentType = 'application/json'): void {
  if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(answer.status).type(contentType).send(JSON.stringify(answer.body));
}

/**
 * Counts a refused request (400, 403 wrong kind, 409, 413, 415) for its
 * source and keeps the reason as its last error; then passes the error on.
 */
export function countRefusals(ingest: Pick<IngestService, 'noteRefusal'>) {
  return (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    if (req.source && err instanceof AppError && err.status >= 400 && err.status < 500 && err.status !== 401) {
      const rejected = Array.isArray(err.details?.rejected) ? err.details.rejected.length : 0;
      ingest.noteRefusal(req.source.id, Math.max(1, rejected), `batch refused: ${err.message}`.slice(0, 500));
    }
    next(err);
  };
}
