// The ingest format of an access event (one JSON object per record, in a JSON
// array or NDJSON). The simulator writes it; the ingest endpoint validates it.
// Documented with examples in docs/ingest.md. The hot path uses the
// hand-written twin in access-event-validation.ts, tested against this schema.
import { z } from 'zod';
import { ACCESS_ACTIONS } from '../ingest.tables.ts';
import { ISO_FORMAT_MESSAGE, ISO_REAL_MESSAGE, parseIsoTime } from './iso-time.ts';

/** ISO 8601 with an explicit offset (Z or ±hh:mm): a time without one is refused, never guessed. */
export const isoWithOffset = z.string().superRefine((s, ctx) => {
  const parsed = parseIsoTime(s);
  if (parsed === 'format') ctx.addIssue({ code: 'custom', message: ISO_FORMAT_MESSAGE });
  else if (parsed === 'calendar') ctx.addIssue({ code: 'custom', message: ISO_REAL_MESSAGE });
});

/** The largest free context, as JSON text. */
export const CONTEXT_MAX_CHARS = 4096;
export const CONTEXT_TOO_BIG_MESSAGE = `Too big: expected context to have <=${CONTEXT_MAX_CHARS} characters of JSON`;

/** PostgreSQL text cannot hold U+0000: refused on both dialects, so a record means the same everywhere. */
export const NUL_MESSAGE = 'must not contain a NUL character (U+0000)';
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\u0000'), NUL_MESSAGE);

export const AccessEventRecord = z.strictObject({
  time: isoWithOffset,
  /** Staff id as the EHR knows it. */
  user: text(128).nullish(),
  action: z.enum(ACCESS_ACTIONS),
  outcome: z.enum(['success', 'failure']).default('success'),
  patient: text(128).nullish(),
  application: text(128).nullish(),
  workstation: text(256).nullish(),
  address: text(64).nullish(),
  department: text(128).nullish(),
  /** Free context (break-glass reason, search terms, record section…). */
  context: z
    .record(z.string(), z.unknown())
    .refine((c) => JSON.stringify(c).length <= CONTEXT_MAX_CHARS, CONTEXT_TOO_BIG_MESSAGE)
    .nullish(),
});
export type AccessEventRecord = z.input<typeof AccessEventRecord>;

/** The reason given for a refused record: the first problem, `field: message`. */
export function reasonOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'invalid record';
  const path = first.path.map(String).join('.');
  return path ? `${path}: ${first.message}` : first.message;
}
