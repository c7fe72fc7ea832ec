import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapAuditEvent } from '../../../server/ingest/fhir/fhir-mapper.ts';
import { AuditEventR4, isPlainAuditEventR4 } from '../../../server/ingest/fhir/fhir.schemas.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import * as ex from './fhir-examples.ts';
import { createSource } from './helpers.ts';

function events(resource: unknown) {
  const r = mapAuditEvent(resource);
  if (!r.ok) throw new Error(r.issue.diagnostics);
  return r.events;
}
function problem(resource: unknown, prefix?: string) {
  const r = mapAuditEvent(resource, prefix);
  if (r.ok) throw new Error('expected an issue');
  return r.issue;
}

describe('FHIR R4 AuditEvent → access event', () => {
  it('login and logout (DICOM 110114 with 110122 / 110123), the user from the requestor agent', () => {
    expect(events(ex.login)).toEqual([
      expect.objectContaining({
        action: 'login',
        outcome: 'success',
        userId: '95',
        address: '127.0.0.1',
        workstation: null,
        patientId: null,
        occurredAt: Date.UTC(2013, 5, 20, 23, 41, 23),
        occurredAtText: '2013-06-20T23:41:23Z',
        application: 'hl7connect.healthintersections.com.au',
      }),
    ]);
    expect(events(ex.logout)[0]).toMatchObject({ action: 'logout', userId: '95' });
    expect(events(ex.failedLogin)[0]).toMatchObject({ action: 'login_failed', outcome: 'failure', userId: '95' });
  });

  it('read (REST vread): the patient from the Patient reference, the workstation from the source-role agent, not the user', () => {
    const [e] = events(ex.read);
    expect(e).toMatchObject({
      action: 'read',
      userId: '95',
      patientId: 'example',
      workstation: 'Workstation1.ehr.familyclinic.com',
    });
    expect(JSON.parse(e!.context!)).toEqual({
      fhir: {
        id: 'example-rest',
        type: 'rest',
        subtype: ['vread'],
        action: 'R',
        interaction: 'vread',
        outcome: '0',
        site: 'Cloud',
      },
    });
  });

  it('search counts as a read, and a search without a patient has none', () => {
    const [e] = events(ex.search);
    expect(e).toMatchObject({ action: 'read', userId: '95', patientId: null });
    expect(JSON.parse(e!.context!).fhir.interaction).toBe('search');
  });

  it('update and delete (BALP): the user is the requestor, never the client or server agent; patient from entity type 1 / role 1', () => {
    expect(events(ex.update)).toEqual([
      expect.objectContaining({
        action: 'update',
        userId: 'JohnSmith',
        patientId: 'ex-patient',
        application: 'ex-device',
        address: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      }),
    ]);
    expect(events(ex.remove)).toEqual([
      expect.objectContaining({ action: 'delete', userId: 'JohnSmith', patientId: 'ex-patient' }),
    ]);
  });

  it('a failed create keeps its failure; a patient given by identifier (type 1 / role 1) is found', () => {
    expect(events(ex.error)[0]).toMatchObject({ action: 'create', outcome: 'failure', patientId: 'PAT-77' });
  });

  it('break-the-glass from 110113 + 110127 (ETREAT), and from a BTG purpose of use on a read', () => {
    expect(events(ex.breakGlass)[0]).toMatchObject({
      action: 'break_glass',
      userId: 'dr.martin',
      patientId: 'P0004512',
      workstation: 'URG-PC-04',
      occurredAt: Date.UTC(2026, 10, 28, 2, 12, 45),
    });
    const [btg] = events(ex.btgRead);
    expect(btg).toMatchObject({ action: 'break_glass', patientId: 'example' });
    expect(JSON.parse(btg!.context!).fhir).toMatchObject({ purposeOfUse: ['BTG'], access: 'read' });
  });

  it('gives one access event per patient when an AuditEvent names several', () => {
    const two = { ...ex.read, entity: [...ex.read.entity, { what: { reference: 'Patient/other' } }] };
    expect(events(two).map((e) => e.patientId)).toEqual(['example', 'other']);
  });

  it('names the element in error with a FHIRPath expression', () => {
    const { recorded: _r, ...noRecorded } = ex.login;
    expect(problem(noRecorded)).toMatchObject({ code: 'required', expression: ['AuditEvent.recorded'] });
    expect(problem({ ...ex.login, recorded: '2013-06-20T23:41' })).toMatchObject({
      code: 'value',
      expression: ['AuditEvent.recorded'],
    });
    const { requestor: _q, ...noRequestorField } = ex.login.agent[0]!;
    expect(problem({ ...ex.login, agent: [noRequestorField] })).toMatchObject({
      code: 'required',
      expression: ['AuditEvent.agent[0].requestor'],
    });
    expect(problem({ ...ex.login, agent: [{ ...ex.login.agent[0], requestor: false }] })).toMatchObject({
      code: 'required',
      expression: ['AuditEvent.agent'],
    });
    expect(problem({ ...ex.login, outcome: '3' })).toMatchObject({ expression: ['AuditEvent.outcome'] });
    expect(problem({ ...ex.login, subtype: [] })).toMatchObject({ expression: ['AuditEvent.subtype'] });
    expect(problem({ ...ex.read, type: { code: 'x' }, subtype: [], action: 'E' })).toMatchObject({
      code: 'not-supported',
      expression: ['AuditEvent.type'],
    });
    expect(problem({ resourceType: 'Patient' }, 'Bundle.entry[4].resource')).toMatchObject({
      code: 'not-supported',
      expression: ['Bundle.entry[4].resource.resourceType'],
    });
    const { source: _s, ...noSource } = ex.read;
    expect(problem(noSource, 'Bundle.entry[2].resource')).toMatchObject({
      code: 'required',
      expression: ['Bundle.entry[2].resource.source'],
    });
  });

  it('recognises an R5 AuditEvent and says it is not supported', () => {
    const r5 = {
      resourceType: 'AuditEvent',
      category: [{ coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' }] }],
      code: { coding: [{ code: '110122' }] },
      recorded: '2023-01-01T00:00:00Z',
      agent: [],
      source: {},
    };
    expect(problem(r5)).toMatchObject({
      code: 'not-supported',
      expression: ['AuditEvent.code'],
      diagnostics: expect.stringMatching(/R5.*only R4/),
    });
  });
});

describe('the fast path (isPlainAuditEventR4) against the zod schema', () => {
  /** Every example with each of its values (and whole objects and arrays) replaced, removed or emptied, one at a time. */
  function mutations(value: unknown): unknown[] {
    const replacements: unknown[] = [
      undefined,
      null,
      0,
      1,
      true,
      '',
      'x',
      '2',
      '12',
      'E',
      '2013-06-20T23:41:23Z',
      '2013-02-30T23:41:23Z',
      [],
      {},
      [{}],
      [null],
      { code: 1 },
    ];
    const out: unknown[] = [];
    const walk = (node: unknown, rebuild: (v: unknown) => unknown) => {
      for (const r of replacements) out.push(rebuild(r));
      if (Array.isArray(node))
        node.forEach((child, i) =>
          walk(child, (v) => rebuild(node.map((c, j) => (j === i ? v : c)).filter((c) => c !== undefined))),
        );
      else if (node !== null && typeof node === 'object') {
        for (const [k, child] of Object.entries(node)) {
          walk(child, (v) => {
            const copy: Record<string, unknown> = { ...node };
            if (v === undefined) delete copy[k];
            else copy[k] = v;
            return rebuild(copy);
          });
        }
      }
    };
    walk(value, (v) => v);
    return out;
  }

  it('accepts only what the schema accepts, unchanged, and accepts every valid example', () => {
    const examples = [
      ex.login,
      ex.logout,
      ex.failedLogin,
      ex.search,
      ex.read,
      ex.update,
      ex.remove,
      ex.breakGlass,
      ex.btgRead,
      ex.error,
    ];
    for (const e of examples) expect(isPlainAuditEventR4(e)).toBe(true);
    let fast = 0;
    let refusedBySchema = 0;
    const corpus = examples.flatMap(mutations);
    expect(corpus.length).toBeGreaterThan(5_000);
    const disagreements: unknown[] = [];
    for (const m of corpus) {
      const schema = AuditEventR4.safeParse(m);
      if (!schema.success) refusedBySchema++;
      if (!isPlainAuditEventR4(m)) continue;
      fast++;
      if (!schema.success || !isDeepStrictEqual(schema.data, m)) disagreements.push(m);
    }
    expect(disagreements).toEqual([]);
    // Both sides are exercised: many mutations stay valid, many are refused.
    expect(fast).toBeGreaterThan(1_000);
    expect(refusedBySchema).toBeGreaterThan(1_000);
  });
});

describeEachDialect('POST /api/v1/ingest/fhir', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());
  const post = (auth: string | undefined, body: unknown, type = 'application/fhir+json') => {
    const r = t.http.raw.post('/api/v1/ingest/fhir').set('Content-Type', type);
    if (auth) r.set('Authorization', auth);
    return r.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const rows = () =>
    t.services.db.selectFrom('access_events').select(['action', 'userId', 'patientId']).orderBy('id').execute();

  it('takes one AuditEvent (201) and a Bundle (200), answering OperationOutcome as application/fhir+json', async () => {
    const { auth } = await createSource(t.services, 'fhir');
    const one = await post(auth, ex.login).expect(201);
    expect(one.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(JSON.parse(one.text)).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'information',
          code: 'informational',
          diagnostics: 'accepted 1 of 1 AuditEvent(s) as 1 access event(s)',
        },
      ],
    });
    const many = await post(
      auth,
      ex.bundle([ex.read, ex.search, ex.update, ex.remove, ex.breakGlass, ex.logout]),
    ).expect(200);
    expect(JSON.parse(many.text).issue).toHaveLength(1);
    expect((await rows()).map((r) => r.action)).toEqual([
      'login',
      'read',
      'read',
      'update',
      'delete',
      'break_glass',
      'logout',
    ]);
  });

  it('keeps the good entries of a Bundle and names the bad one by expression', async () => {
    const { auth } = await createSource(t.services, 'fhir');
    const { recorded: _r, ...bad } = ex.read;
    const res = await post(auth, ex.bundle([ex.login, bad, ex.update])).expect(200);
    const outcome = JSON.parse(res.text);
    expect(outcome.issue[0]).toMatchObject({
      severity: 'information',
      diagnostics: 'accepted 2 of 3 AuditEvent(s) as 2 access event(s)',
    });
    expect(outcome.issue[1]).toMatchObject({
      severity: 'error',
      code: 'required',
      expression: ['Bundle.entry[1].resource.recorded'],
    });
    expect(await rows()).toHaveLength(2);
  });

  it('answers an invalid resource with 400 and an OperationOutcome naming the field; errors of every kind too', async () => {
    const { auth } = await createSource(t.services, 'fhir');
    const res = await post(auth, { ...ex.login, agent: [{ ...ex.login.agent[0], requestor: 'yes' }] }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(JSON.parse(res.text)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'value', expression: ['AuditEvent.agent[0].requestor'] }],
    });
    const malformed = await post(auth, '{"resourceType": "AuditEvent",').expect(400);
    expect(JSON.parse(malformed.text).issue[0]).toMatchObject({ code: 'structure' });
    const unauth = await post(undefined, ex.login).expect(401);
    expect(JSON.parse(unauth.text)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    const { auth: ehr } = await createSource(t.services, 'ehr');
    expect(JSON.parse((await post(ehr, ex.login).expect(403)).text).issue[0].code).toBe('forbidden');
    expect(JSON.parse((await post(auth, 'x', 'text/plain').expect(415)).text).issue[0].code).toBe('not-supported');
    expect(await rows()).toHaveLength(0);
  });

  it('reads FHIR NDJSON, one AuditEvent per line', async () => {
    const { auth } = await createSource(t.services, 'fhir');
    const res = await post(
      auth,
      [ex.login, ex.read, ex.logout].map((r) => JSON.stringify(r)).join('\n'),
      'application/fhir+ndjson',
    ).expect(200);
    expect(JSON.parse(res.text).issue[0].diagnostics).toBe('accepted 3 of 3 AuditEvent(s) as 3 access event(s)');
  });
});
