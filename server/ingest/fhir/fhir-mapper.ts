// FHIR R4 AuditEvent → access events. The mapping (docs/ingest.md, "FHIR"):
// login/logout from DICOM 110114 + 110122/110123 (a failed login when the
// outcome is not 0); create/read/update/delete from the REST subtype (search
// counts as a read) or the `action` code; break-the-glass from DICOM
// 110113 + 110127 or a BTG/ETREAT purpose of use; the user is the agent with
// requestor = true (never BALP's client/server agents); the patient is the
// entity of type 1 (Person) and role 1 (Patient), or any Patient reference —
// one access event per patient, as BALP writes one AuditEvent per patient.
import type { z } from 'zod';
import type { AccessAction } from '../ingest.tables.ts';
import { validateAccessEvent, type ValidAccessEvent } from '../pipeline/access-event-validation.ts';
import type { FutureLimit } from '../pipeline/iso-time.ts';
import { AuditEventR4, isPlainAuditEventR4, type FhirAgent, type FhirCoding } from './fhir.schemas.ts';
import type { IssueType, OutcomeIssue } from './operation-outcome.ts';

export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

const REST_ACTIONS: Record<string, AccessAction> = {
  create: 'create',
  read: 'read',
  vread: 'read',
  update: 'update',
  patch: 'update',
  delete: 'delete',
  search: 'read',
  'search-type': 'read',
  'search-system': 'read',
  'history-instance': 'read',
  'history-type': 'read',
  'history-system': 'read',
};
const CRUD: Record<string, AccessAction> = { C: 'create', R: 'read', U: 'update', D: 'delete' };
/** v3-ActReason codes that mean an emergency override (ERTREAT, provisioned emergency care, is not one). */
const OVERRIDE_REASONS = new Set(['BTG', 'ETREAT']);

export type MapResult = { ok: true; events: ValidAccessEvent[] } | { ok: false; issue: OutcomeIssue };

/** A coding matches when its code is equal and its system, if any, is the expected one. */
function is(c: FhirCoding | undefined, system: string, code: string): boolean {
  return !!c && c.code === code && (!c.system || c.system === system);
}

function issue(code: IssueType, expression: string, diagnostics: string): MapResult {
  return {
    ok: false,
    issue: { severity: 'error', code, diagnostics: `${expression}: ${diagnostics}`, expression: [expression] },
  };
}

/** `Practitioner/123/_history/2` → `123`. */
function referenceId(reference: string | undefined, type?: string): string | undefined {
  if (!reference) return undefined;
  const m = /(?:^|\/)([A-Za-z]+)\/([^/]+)(?:\/_history\/[^/]+)?$/.exec(reference);
  if (!m) return type ? undefined : reference;
  if (type && m[1] !== type) return undefined;
  return m[2];
}

function fhirPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : `${p}.${String(k)}`), prefix);
}

function zodIssue(prefix: string, error: z.ZodError): MapResult {
  const first = error.issues[0]!;
  const missing = first.code === 'invalid_type' && first.message.endsWith('received undefined');
  return issue(missing ? 'required' : 'value', fhirPath(prefix, first.path), missing ? 'required' : first.message);
}

function codesOf(concepts: readonly { coding?: FhirCoding[] }[] | undefined): FhirCoding[] {
  return (concepts ?? []).flatMap((c) => c.coding ?? []);
}

function networkOf(agent: FhirAgent | undefined): { workstation?: string; address?: string } {
  const n = agent?.network;
  if (!n?.address) return {};
  return n.type === '2' ? { address: n.address } : { workstation: n.address };
}

/**
 * Maps one resource (already parsed JSON) to access events. `prefix` is the
 * FHIRPath of the resource in the request (`AuditEvent`, or
 * `Bundle.entry[3].resource`) so errors name the exact element. `limit`
 * bounds `recorded` in the future.
 */
export function mapAuditEvent(resource: unknown, prefix = 'AuditEvent', limit?: FutureLimit): MapResult {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
    return issue('structure', prefix, 'expected a FHIR resource (a JSON object)');
  const r = resource as Record<string, unknown>;
  if (r.resourceType !== 'AuditEvent')
    return issue(
      'not-supported',
      `${prefix}.resourceType`,
      `expected AuditEvent, got ${JSON.stringify(r.resourceType ?? null)}`,
    );
  if (r.type === undefined && (r.code !== undefined || r.category !== undefined)) {
    return issue(
      'not-supported',
      `${prefix}.code`,
      'this is a FHIR R5 AuditEvent (category/code, outcome.code): only R4 is supported (type, subtype, recorded, outcome 0/4/8/12)',
    );
  }
  let ae: AuditEventR4;
  if (isPlainAuditEventR4(resource)) ae = resource;
  else {
    const parsed = AuditEventR4.safeParse(resource);
    if (!parsed.success) return zodIssue(prefix, parsed.error);
    ae = parsed.data;
  }
  const subtypes = ae.subtype ?? [];
  const failed = ae.outcome !== undefined && ae.outcome !== '0';

  // The user: the requestor agent (BALP's client/server agents have requestor = false).
  const requestorIndex = ae.agent.findIndex((a) => a.requestor);
  if (requestorIndex < 0)
    return issue('required', `${prefix}.agent`, 'no agent with requestor = true: the user who asked is required');
  const requestor = ae.agent[requestorIndex]!;
  const agentPath = `${prefix}.agent[${requestorIndex}]`;
  const patientActor = referenceId(requestor.who?.reference, 'Patient');
  const user = patientActor
    ? null
    : (requestor.who?.identifier?.value ?? referenceId(requestor.who?.reference) ?? requestor.altId ?? null);

  // The activity.
  let action: AccessAction | undefined;
  let interaction: string | undefined;
  if (is(ae.type, DCM, '110114')) {
    if (subtypes.some((s) => is(s, DCM, '110122'))) action = failed ? 'login_failed' : 'login';
    else if (subtypes.some((s) => is(s, DCM, '110123'))) action = 'logout';
    else
      return issue(
        'value',
        `${prefix}.subtype`,
        'a 110114 User Authentication event needs subtype 110122 Login or 110123 Logout',
      );
  } else if (is(ae.type, DCM, '110113')) {
    if (subtypes.some((s) => is(s, DCM, '110127'))) action = 'break_glass';
    else
      return issue(
        'not-supported',
        `${prefix}.subtype`,
        'of the 110113 Security Alert events only 110127 Emergency Override Started is an access',
      );
  } else if (is(ae.type, DCM, '110106')) {
    action = 'export';
  } else {
    const rest = subtypes.find(
      (s) =>
        s.code !== undefined &&
        (s.system === RESTFUL_INTERACTION || (!s.system && s.code in REST_ACTIONS)) &&
        s.code in REST_ACTIONS,
    );
    if (rest) {
      interaction = rest.code!;
      action = REST_ACTIONS[interaction];
    } else if (ae.action && ae.action in CRUD) {
      action = CRUD[ae.action];
    } else {
      return issue(
        'not-supported',
        `${prefix}.type`,
        'cannot tell the access: expected 110114 login/logout, 110113+110127 break-the-glass, 110106 export, a REST subtype or action C/R/U/D',
      );
    }
  }
  if (!user && action !== 'login_failed')
    return issue(
      'required',
      `${agentPath}.who`,
      'the requesting agent needs who.identifier.value, a who.reference or an altId',
    );

  // Break-the-glass by purpose of use: the access stays recorded as what it was, in the context.
  const purposes = [...codesOf(ae.purposeOfEvent), ...codesOf(requestor.purposeOfUse)]
    .filter((c) => !c.system || c.system === ACT_REASON)
    .map((c) => c.code ?? '');
  const override = purposes.find((p) => OVERRIDE_REASONS.has(p));
  const underlying = action;
  if (override && action !== 'login' && action !== 'logout' && action !== 'login_failed') action = 'break_glass';

  // Patients: entity type 1 / role 1 (by reference or identifier), or any Patient reference; a patient acting as the agent.
  const patients = new Set<string>();
  if (patientActor) patients.add(patientActor);
  for (const e of ae.entity ?? []) {
    const byRole = is(e.type, ENTITY_TYPE, '1') && is(e.role, OBJECT_ROLE, '1');
    const id =
      referenceId(e.what?.reference, 'Patient') ??
      (byRole ? (e.what?.identifier?.value ?? referenceId(e.what?.reference)) : undefined);
    if (id) patients.add(id);
  }

  const source = ae.agent.find(
    (a) => !a.requestor && codesOf(a.type ? [a.type] : []).some((c) => is(c, DCM, '110153')),
  );
  const net = { ...networkOf(source), ...networkOf(requestor) };
  const context: Record<string, unknown> = {
    fhir: {
      ...(ae.id ? { id: ae.id } : {}),
      type: ae.type.code,
      ...(subtypes.length ? { subtype: subtypes.map((s) => s.code) } : {}),
      ...(ae.action ? { action: ae.action } : {}),
      ...(interaction ? { interaction } : {}),
      ...(ae.outcome ? { outcome: ae.outcome } : {}),
      ...(purposes.length ? { purposeOfUse: purposes } : {}),
      ...(override && underlying !== action ? { access: underlying } : {}),
      ...(ae.source.site ? { site: ae.source.site } : {}),
      ...(patientActor ? { actor: 'patient' } : {}),
    },
  };

  const record = {
    time: ae.recorded,
    user,
    action,
    outcome: failed ? 'failure' : 'success',
    application:
      ae.source.observer.display ??
      ae.source.observer.identifier?.value ??
      referenceId(ae.source.observer.reference) ??
      null,
    workstation: net.workstation ?? null,
    address: net.address ?? null,
    department: requestor.location?.display ?? null,
    context,
  };
  const where: Record<string, string> = {
    time: `${prefix}.recorded`,
    user: `${agentPath}.who`,
    patient: `${prefix}.entity`,
    application: `${prefix}.source.observer`,
    workstation: `${agentPath}.network.address`,
    address: `${agentPath}.network.address`,
    department: `${agentPath}.location.display`,
    context: prefix,
  };
  const events: ValidAccessEvent[] = [];
  for (const patient of patients.size ? [...patients] : [null]) {
    const v = validateAccessEvent({ ...record, patient }, limit);
    if (typeof v === 'string') {
      const field = /^(\w+):/.exec(v)?.[1] ?? 'context';
      return issue('value', where[field] ?? prefix, v.replace(/^\w+: /, ''));
    }
    events.push(v);
  }
  return { ok: true, events };
}

/** The AuditEvents of a request body: one resource, or a Bundle of them (`entry[].resource`). */
export function resourcesOf(
  body: unknown,
): { resource: unknown; prefix: string }[] | { ok: false; issue: OutcomeIssue } {
  if (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    (body as { resourceType?: unknown }).resourceType === 'Bundle'
  ) {
    const entry = (body as { entry?: unknown }).entry;
    if (entry === undefined) return [];
    if (!Array.isArray(entry))
      return issue('structure', 'Bundle.entry', 'expected an array') as { ok: false; issue: OutcomeIssue };
    return entry.map((e, i) => ({
      resource: e !== null && typeof e === 'object' ? (e as { resource?: unknown }).resource : undefined,
      prefix: `Bundle.entry[${i}].resource`,
    }));
  }
  return [{ resource: body, prefix: 'AuditEvent' }];
}
