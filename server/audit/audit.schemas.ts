// The audit log's query parameters: filters shared by the list and the export.
import { z } from 'zod';
import { isWhole, wholeNumber } from '../http/numbers.ts';

// Query strings carry empty values for cleared filters: treat them as absent.
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const time = z.iso
  .datetime({ offset: true, error: 'an ISO 8601 time with its offset, e.g. 2026-11-28T14:00:00+01:00' })
  .transform((v) => Date.parse(v));

const actor = z.string().trim().min(1).max(200, 'at most 200 characters');
const action = z
  .string()
  .trim()
  .max(100, 'at most 100 characters')
  .regex(
    /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/,
    'a dotted action name (user.login), or a prefix ending with a dot (user.)',
  );
const targetType = z.string().trim().min(1).max(100, 'at most 100 characters');

const filters = {
  actor: optional(actor),
  action: optional(action),
  targetType: optional(targetType),
  // "Exclure" from a cell of the list: everything but this value.
  'not.actor': optional(actor),
  'not.action': optional(action),
  'not.targetType': optional(targetType),
  targetId: optional(z.string().trim().min(1).max(200, 'at most 200 characters')),
  from: optional(time),
  to: optional(time),
};

type FilterShape = { from?: number; to?: number; targetId?: string; targetType?: string };
const coherent = <T extends FilterShape>(f: T, ctx: z.RefinementCtx) => {
  if (f.from !== undefined && f.to !== undefined && f.from >= f.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  if (f.targetId !== undefined && f.targetType === undefined)
    ctx.addIssue({ code: 'custom', path: ['targetType'], message: 'is needed with targetId' });
};

export const AuditListQuery = z
  .strictObject({
    ...filters,
    cursor: optional(
      z
        .string()
        .regex(/^\d{1,16}-\d{1,16}$/, 'a cursor from a previous page (nextCursor)')
        .refine((s) => s.split('-').every((part) => isWhole(part)), 'a cursor from a previous page (nextCursor)'),
    ),
    limit: optional(
      z.coerce
        .number({ error: 'a number from 1 to 200' })
        .int('an integer')
        .min(1, 'at least 1')
        .max(200, 'at most 200'),
    ),
  })
  .superRefine(coherent);
export type AuditListQuery = z.output<typeof AuditListQuery>;

export const AuditExportQuery = z
  .strictObject({ ...filters, format: z.enum(['csv', 'json'], { error: 'csv or json' }) })
  .superRefine(coherent);
export type AuditExportQuery = z.output<typeof AuditExportQuery>;

export const AuditVerifyQuery = z.strictObject({});

export const AuditEntryParams = z.strictObject({
  seq: wholeNumber('an entry number (1, 2, 3…)', { min: 1 }),
});
