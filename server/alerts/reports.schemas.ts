import { z } from 'zod';
import { wholeDigits } from '../http/numbers.ts';
import { ISO_FORMAT_MESSAGE, ISO_REAL_MESSAGE, parseIsoTime } from '../ingest/pipeline/iso-time.ts';
import { REPORT_CATEGORIES } from './report-text.ts';

export const SUMMARY_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const PATIENTS_MAX = 500;

/** Text a person typed: trimmed, bounded, without U+0000 (PostgreSQL text cannot hold it). */
const words = (max: number) =>
  z
    .string({ error: 'text' })
    .trim()
    .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character')
    .pipe(z.string().max(max, `at most ${max} characters`));

export const ReportInput = z.strictObject({
  /** One line: line breaks and runs of spaces become one space. */
  summary: words(SUMMARY_MAX)
    .transform((s) => s.replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'required: say in a few words what happened')),
  description: words(DESCRIPTION_MAX).pipe(z.string().min(1, 'required: describe what happened in plain words')),
  /** When it happened, if the reporter knows: never guessed without an offset. */
  occurredAt: z
    .string({ error: ISO_FORMAT_MESSAGE })
    .transform((s, ctx) => {
      const t = parseIsoTime(s);
      if (typeof t === 'number') return t;
      ctx.addIssue({ code: 'custom', message: t === 'format' ? ISO_FORMAT_MESSAGE : ISO_REAL_MESSAGE });
      return z.NEVER;
    })
    .nullish(),
  category: z.enum(REPORT_CATEGORIES, { error: `one of ${REPORT_CATEGORIES.join(', ')}` }).nullish(),
  /** Free text about the patients concerned: treated as a patient identifier (masked, never logged). */
  patientsConcerned: words(PATIENTS_MAX)
    .transform((s) => s || null)
    .nullish(),
  urgent: z.boolean({ error: 'true or false' }).default(false),
});
export type ReportInput = z.output<typeof ReportInput>;

export const MyReportsQuery = z.strictObject({
  cursor: wholeDigits('a cursor from a previous page').optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'a number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(100, 'at most 100'))
    .default(20),
});
export type MyReportsQuery = z.output<typeof MyReportsQuery>;
