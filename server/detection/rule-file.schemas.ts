// The shape of a rule file (rules/<id>.yaml). The conditions under `when`
// are checked by conditions.ts, which knows the vocabulary.
import { z } from 'zod';
import { SEVERITIES } from '../alerts/alerts.tables.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** "90d", "12h", "10m", "30s" → milliseconds; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DURATION_RE.exec(value.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : undefined;
}

/** 3_600_000 → "1h"; the largest unit that divides exactly. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    // A day reads better as 24h, as the rule files write it.
    if (ms >= size && ms % size === 0 && !(unit === 'd' && ms === size)) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const text = z.string({ error: 'a text' }).trim().min(1, 'must not be empty');
const bilingual = z.strictObject({ fr: text, en: text }, { error: 'an object with fr and en texts' });
const duration = z
  .string({ error: 'a duration such as 10m, 24h or 7d' })
  .regex(DURATION_RE, 'a duration such as 10m, 24h or 7d');
const paramRef = z.string().regex(/^\$[A-Za-z][A-Za-z0-9_]*$/, 'a number, or $name of a param');
const numberOrParam = z.union([z.number().positive('a positive number'), paramRef], {
  error: 'a positive number or $name of a param',
});

export const FINGERPRINT_FIELDS = ['user', 'patient', 'workstation', 'address', 'department', 'day'] as const;
export const SUPPRESSION_FIELDS = ['user', 'patient', 'workstation', 'address', 'department'] as const;
export const COUNT_WHAT = ['events', 'distinct_patients', 'distinct_users'] as const;
export const COUNT_PER = ['user', 'workstation', 'address'] as const;

export const RuleFileSchema = z
  .strictObject({
    id: z
      .string({ error: 'a rule id' })
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens, e.g. relative-record'),
    title: bilingual,
    severity: z.enum(SEVERITIES, { error: `one of ${SEVERITIES.join(', ')}` }),
    description: z.union([text, bilingual], { error: 'a text, or an object with fr and en texts' }),
    enabled: z.boolean({ error: 'true or false' }).default(true),
    when: z.array(z.unknown(), { error: 'a list of conditions' }).min(1, 'at least one condition'),
    yields_to: z.array(z.string(), { error: 'a list of rule ids' }).default([]),
    params: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a param name (letters, digits, _)'),
        z.union([z.number(), duration], { error: 'a number or a duration' }),
      )
      .default({}),
    window: duration.default('24h'),
    threshold: z.number({ error: 'a positive number' }).positive('a positive number').optional(),
    count: z
      .strictObject({
        what: z.enum(COUNT_WHAT, { error: `one of ${COUNT_WHAT.join(', ')}` }),
        per: z.enum(COUNT_PER, { error: `one of ${COUNT_PER.join(', ')}` }),
        baseline: z
          .strictObject({ user_factor: numberOrParam, department_factor: numberOrParam, min_days: numberOrParam })
          .optional(),
      })
      .optional(),
    explanation: bilingual,
    fingerprint: z
      .array(z.enum(FINGERPRINT_FIELDS, { error: `one of ${FINGERPRINT_FIELDS.join(', ')}` }))
      .min(1, 'at least one field'),
    suppression: z
      .array(z.enum(SUPPRESSION_FIELDS, { error: `one of ${SUPPRESSION_FIELDS.join(', ')}` }))
      .min(1, 'at least one field'),
  })
  .superRefine((r, ctx) => {
    if (r.count && r.threshold === undefined)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a counting rule (count:) needs a threshold' });
    if (!r.count && r.threshold !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'threshold only applies to a counting rule (add count:)',
      });
  });

export type RuleFile = z.output<typeof RuleFileSchema>;
