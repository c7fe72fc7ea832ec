import { z } from 'zod';
import { ACCESS_ACTIONS } from '../ingest.tables.ts';
import { isoWithOffset } from '../pipeline/access-event.schemas.ts';

const value = z.string().trim().min(1).max(256);
const actions = z
  .string()
  .trim()
  .transform((s) =>
    s
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(ACCESS_ACTIONS)).min(1));

/** GET /access-events (and its CSV export): the filters, as query parameters. */
export const AccessEventQuery = z.strictObject({
  user: value.optional(),
  /** A full patient identifier, as the source gave it. */
  patient: value.optional(),
  /** Why the user searches by `patient`: required with it (such a search is a reveal, audited with this reason). */
  reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500).optional(),
  /** "The patient of event #id": a pivot from a masked row, without revealing the identifier. */
  patientOf: z.coerce.number().int().positive().optional(),
  /** One action or several, comma-separated. */
  action: actions.optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  application: value.optional(),
  department: value.optional(),
  source: z.string().trim().min(1).max(64).optional(),
  from: isoWithOffset.optional(),
  to: isoWithOffset.optional(),
  /** Exclusions, as the console's "exclure" writes them in the URL. */
  'not.user': value.optional(),
  'not.action': actions.optional(),
  'not.application': value.optional(),
  'not.department': value.optional(),
  cursor: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AccessEventQuery = z.output<typeof AccessEventQuery>;

export const RevealBody = z.strictObject({
  reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500),
});

export const EventIdParams = z.object({ id: z.coerce.number().int().positive() });
