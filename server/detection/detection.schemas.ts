import { z } from 'zod';
import { SEVERITIES } from '../alerts/alerts.tables.ts';

/** PATCH /rules/:id — each field changes one setting; null puts the YAML value back. */
export const RulePatch = z.strictObject({
  enabled: z.boolean().nullable().optional(),
  severity: z.enum(SEVERITIES).nullable().optional(),
  threshold: z.number().positive().nullable().optional(),
  window: z.string().nullable().optional(),
  params: z
    .record(z.string(), z.union([z.number(), z.string()]))
    .nullable()
    .optional(),
});
export type RulePatch = z.output<typeof RulePatch>;
