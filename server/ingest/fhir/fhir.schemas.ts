// The fields of a FHIR R4 AuditEvent that Vigie reads, checked at run time
// (the official R4 JSON schema does not enforce `recorded` or
// `agent.requestor`: we do). Other fields are allowed and ignored.
import { z } from 'zod';
import { ISO_REAL_MESSAGE, parseIsoTime } from '../pipeline/iso-time.ts';

/** FHIR `instant`: seconds and a zone are required. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const instant = z.string().superRefine((s, ctx) => {
  if (!INSTANT.test(s))
    ctx.addIssue({ code: 'custom', message: 'a FHIR instant with seconds and a zone, e.g. 2026-11-28T14:26:16+01:00' });
  else if (typeof parseIsoTime(s) !== 'number') ctx.addIssue({ code: 'custom', message: ISO_REAL_MESSAGE });
});

export const Coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
});
export const CodeableConcept = z.looseObject({ coding: z.array(Coding).optional(), text: z.string().optional() });
const Identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
export const Reference = z.looseObject({
  reference: z.string().optional(),
  identifier: Identifier.optional(),
  display: z.string().optional(),
});

export const Agent = z.looseObject({
  type: CodeableConcept.optional(),
  role: z.array(CodeableConcept).optional(),
  who: Reference.optional(),
  altId: z.string().optional(),
  name: z.string().optional(),
  /** 1..1 in R4: true for the user (or system) that asked. */
  requestor: z.boolean(),
  location: Reference.optional(),
  network: z
    .looseObject({ address: z.string().optional(), type: z.enum(['1', '2', '3', '4', '5']).optional() })
    .optional(),
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

// ---------------------------------------------------------------------------
// The fast path: an AuditEvent as most sources send it, accepted without zod.
// `isPlainAuditEventR4` answers true only for values AuditEventR4 accepts
// unchanged (its objects are loose and it transforms nothing, so the value
// itself is the parse result); anything else, doubtful or wrong, goes to the
// zod schema, which names the problem. test/server/ingest/fhir.test.ts holds
// the two together on the examples and thousands of their mutations.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optArrayOf = (v: unknown, each: (x: unknown) => boolean) =>
  v === undefined || (Array.isArray(v) && v.every(each));
const isCoding = (v: unknown) => isObj(v) && optString(v.system) && optString(v.code) && optString(v.display);
const optCoding = (v: unknown) => v === undefined || isCoding(v);
const isConcept = (v: unknown) => isObj(v) && optArrayOf(v.coding, isCoding) && optString(v.text);
const optReference = (v: unknown) =>
  v === undefined ||
  (isObj(v) &&
    optString(v.reference) &&
    optString(v.display) &&
    (v.identifier === undefined ||
      (isObj(v.identifier) && optString(v.identifier.system) && optString(v.identifier.value))));
const NETWORK_TYPES = new Set(['1', '2', '3', '4', '5']);
const isAgent = (v: unknown) =>
  isObj(v) &&
  typeof v.requestor === 'boolean' &&
  (v.type === undefined || isConcept(v.type)) &&
  optArrayOf(v.role, isConcept) &&
  optReference(v.who) &&
  optString(v.altId) &&
  optString(v.name) &&
  optReference(v.location) &&
  (v.network === undefined ||
    (isObj(v.network) &&
      optString(v.network.address) &&
      (v.network.type === undefined || NETWORK_TYPES.has(v.network.type as string)))) &&
  optArrayOf(v.purposeOfUse, isConcept);
const isEntity = (v: unknown) =>
  isObj(v) && optReference(v.what) && optCoding(v.type) && optCoding(v.role) && optCoding(v.lifecycle);
const ACTIONS = new Set(['C', 'R', 'U', 'D', 'E']);
const OUTCOMES = new Set(['0', '4', '8', '12']);

export function isPlainAuditEventR4(v: unknown): v is AuditEventR4 {
  if (!isObj(v) || v.resourceType !== 'AuditEvent') return false;
  const { recorded, agent, source } = v;
  return (
    typeof recorded === 'string' &&
    INSTANT.test(recorded) &&
    typeof parseIsoTime(recorded) === 'number' &&
    optString(v.id) &&
    isCoding(v.type) &&
    optArrayOf(v.subtype, isCoding) &&
    (v.action === undefined || ACTIONS.has(v.action as string)) &&
    (v.outcome === undefined || OUTCOMES.has(v.outcome as string)) &&
    optArrayOf(v.purposeOfEvent, isConcept) &&
    Array.isArray(agent) &&
    agent.length > 0 &&
    agent.every(isAgent) &&
    isObj(source) &&
    optString(source.site) &&
    source.observer !== undefined &&
    optReference(source.observer) &&
    optArrayOf(source.type, isCoding) &&
    optArrayOf(v.entity, isEntity)
  );
}
