import { z } from 'zod';
import { wholeDigits, wholeNumber } from '../http/numbers.ts';
import { isoWithOffset } from '../ingest/pipeline/access-event.schemas.ts';
import { ALERT_STATUSES, SEVERITIES } from './alerts.tables.ts';

/** "high,critical" or a repeated parameter → a list of known values. */
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { error: `each one of ${values.join(', ')}` })));

/** A time: epoch milliseconds, or ISO 8601 with its offset. */
const instant = z.union(
  [
    wholeNumber('epoch milliseconds'),
    isoWithOffset.transform((s) => Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))),
  ],
  {
    error: 'epoch milliseconds or an ISO 8601 time with its offset',
  },
);

export const AlertListQuery = z.strictObject({
  rule: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    ),
  severity: listOf(SEVERITIES).optional(),
  status: listOf(ALERT_STATUSES).optional(),
  user: z.string().trim().min(1).max(128).optional(),
  // "exclure" from a cell (the URL's not.<param>): rules or a user to leave out.
  'not.rule': z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    ),
  'not.user': z.string().trim().min(1).max(128).optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: wholeDigits('a cursor from a previous page').optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'a number from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(200, 'at most 200'))
    .default(50),
});
export type AlertListQuery = z.output<typeof AlertListQuery>;

export const AlertIdParam = z.object({ id: wholeNumber('an alert id', { min: 1 }) });
