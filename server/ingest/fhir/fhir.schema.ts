// The fields of a FHIR R4 AuditEvent that Vigie reads, checked at run time
// (the official R4 JSON schema does not enforce `recorded` or
// `agent.requestor`: we do). Other fields are allowed and ignored.
import { z } from 'zod';
import { ISO_REAL_MESSAGE, parseIsoTime } from '../iso-time.ts';

/** FHIR `instant`: seconds and a zone are required. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const instant = z.string().superRefine((s, ctx) => {
  if (!INSTANT.test(s)) ctx.addIssue({ code: 'custom', message: 'a FHIR instant with seconds and a zone, e.g. 2026-11-28T14:26:16+01:00' });
  else if (typeof parseIsoTime(s) !== 'number') ctx.addIssue({ code: 'custom', message: ISO_REAL_MESSAGE });
});

export const Coding = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
export const CodeableConcept = z.looseObject({ coding: z.array(Coding).optional(), text: z.string().optional() });
const Identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
export const Reference = z.looseObject({ reference: z.string().optional(), identifier: Identifier.optional(), display: z.string().optional() });

export const Agent = z.looseObject({
  type: CodeableConcept.optional(),
  role: z.array(CodeableConcept).optional(),
  who: Reference.optional(),
  altId: z.string().optional(),
  name: z.string().optional(),
  /** 1..1 in R4: true for the user (or system) that asked. */
  requestor: z.boolean(),
  location: Reference.optional(),
  network: z.looseObject({ address: z.string().optional(), type: z.enum(['1', '2', '3', '4', '5']).optional() }).optional(),
  purposeOfUse: z.array(CodeableConcept).optional(),
});

export const Entity = z.looseObject({
  what: Reference.optional(),
  type: Coding.optional(),
  role: Coding.optional(),
  lifecycle: Coding.optional(),
});

export const AuditEventR4 = z.looseObject({
  resourceType: z.literal('AuditEvent'),
  id: z.string().optional(),
  type: Coding,
  subtype: z.array(Coding).optional(),
  action: z.enum(['C', 'R', 'U', 'D', 'E']).optional(),
  recorded: instant,
  outcome: z.enum(['0', '4', '8', '12']).optional(),
  purposeOfEvent: z.array(CodeableConcept).optional(),
  agent: z.array(Agent).min(1),
  source: z.looseObject({ site: z.string().optional(), observer: Reference, type: z.array(Coding).optional() }),
  entity: z.array(Entity).optional(),
});
export type AuditEventR4 = z.output<typeof AuditEventR4>;
export type FhirCoding = z.output<typeof Coding>;
export type FhirAgent = z.output<typeof Agent>;
