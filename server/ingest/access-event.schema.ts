// The ingest format of an access event (one JSON object per record, in a JSON
// array or NDJSON). The simulator writes it; the ingest endpoint validates it.
// Documented with examples in docs/ingest.md.
import { z } from 'zod';
import { ACCESS_ACTIONS } from './ingest.tables.ts';

/** ISO 8601 with an explicit offset (Z or ±hh:mm): a time without one is refused, never guessed. */
export const isoWithOffset = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, 'an ISO 8601 time with its offset, e.g. 2026-11-28T14:26:16+01:00')
  .refine((s) => !Number.isNaN(Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))), 'a real date and time');

const text = (max: number) => z.string().trim().min(1).max(max);

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
  context: z.record(z.string(), z.unknown()).nullish(),
});
export type AccessEventRecord = z.input<typeof AccessEventRecord>;
