// What the tool mappers share: the result type, the reason format and the fingerprint.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { RaiseAlertInput } from '../../alerts/alerts.service.ts';
import { reasonOf } from '../pipeline/access-event.schemas.ts';
import { futureProblem, parseIsoTime, type FutureLimit } from '../pipeline/iso-time.ts';

/** A tool alert ready for alerts.raise (the source id is added at commit), or the reason it is refused. */
export type ToolAlert = Omit<RaiseAlertInput, 'sourceId'>;
export type ToolAlertResult = ToolAlert | string | Skip;

/** A record the format ignores by design (Suricata's non-alert event types): counted as skipped, not refused. */
export class Skip {
  constructor(readonly reason: string) {}
}

export function isSkip(value: unknown): value is Skip {
  return value instanceof Skip;
}

/** The reason for a record whose mapper threw: it is refused alone (the error's kind, never its data). */
export function mapperFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return `could not be mapped (${name}); the record is refused, the rest of the batch is kept`;
}

/** A mapper's signature: the parsed record and the latest event time accepted. */
export type ToolMapper = (value: unknown, limit?: FutureLimit) => ToolAlertResult;

/** Repeats of the same tool alert within an hour fold into one alert with a count. */
export const TOOL_FOLD_WINDOW_MS = 3_600_000;

export function fingerprint(...parts: (string | number | null | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => String(p ?? '')).join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export function zodReason(error: z.ZodError): string {
  return reasonOf(error.issues);
}

/** Epoch ms of a tool's timestamp (`+hhmm` offsets accepted), or a reason. */
export function toolTime(text: string, field = 'timestamp', limit?: FutureLimit): number | string {
  const t = parseIsoTime(text);
  if (t === 'format') return `${field}: an ISO 8601 time with its offset (e.g. 2026-11-28T14:26:16.123+0100)`;
  if (t === 'calendar') return `${field}: a real date and time`;
  const future = futureProblem(t, limit);
  return future ? `${field}: ${future}` : t;
}

/** Shortened to `max` characters, without NUL (PostgreSQL text cannot hold it). */
export function clip(text: string, max: number): string {
  const clean = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The value with U+0000 replaced in every string (PostgreSQL text and jsonb-like text cannot hold it). */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  return value;
}
