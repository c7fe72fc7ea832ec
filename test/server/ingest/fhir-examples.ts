// AuditEvents written from the HL7 FHIR R4 (4.0.1) AuditEvent examples
// (example-login, example-logout, example-search, example-rest, example-error)
// and the IHE Basic Audit Log Patterns (BALP) for update, delete and
// break-the-glass, which the R4 core examples do not cover.
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const humanUser = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
      code: 'humanuser',
      display: 'human user',
    },
  ],
};
const source = {
  site: 'Cloud',
  observer: { identifier: { value: 'hl7connect.healthintersections.com.au' } },
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '3', display: 'Web Server' }],
};
const grahame = {
  type: humanUser,
  who: { identifier: { value: '95' } },
  altId: '601847123',
  name: 'Grahame Grieve',
  requestor: true,
  network: { address: '127.0.0.1', type: '2' },
};

/** R4 example-login: DICOM 110114 User Authentication, subtype 110122 Login. */
export const login = {
  resourceType: 'AuditEvent',
  id: 'example-login',
  type: { system: DCM, code: '110114', display: 'User Authentication' },
  subtype: [{ system: DCM, code: '110122', display: 'Login' }],
  action: 'E',
  recorded: '2013-06-20T23:41:23Z',
  outcome: '0',
  agent: [grahame],
  source,
};

/** R4 example-logout: subtype 110123 Logout. */
export const logout = {
  ...login,
  id: 'example-logout',
  subtype: [{ system: DCM, code: '110123', display: 'Logout' }],
  recorded: '2013-06-20T23:46:41Z',
};

/** A failed login (outcome 4, minor failure: a bad password). */
export const failedLogin = { ...login, id: 'failed-login', outcome: '4' };

/** R4 example-search: a REST search, its query as an entity of role 24 (no patient). */
export const search = {
  resourceType: 'AuditEvent',
  id: 'example-search',
  type: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'Restful Operation',
  },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'search', display: 'search' }],
  action: 'E',
  recorded: '2013-06-20T23:42:24Z',
  outcome: '0',
  agent: [grahame],
  source,
  entity: [
    {
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
      query: 'aHR0cDovL2ZoaXItZGV2LmhlYWx0aGludGVyc2VjdGlvbnMuY29tLmF1L29wZW4vRW5jb3VudGVyP3BhcnRpY2lwYW50PTEz',
    },
  ],
};

/** R4 example-rest (a vread of Patient/example), as in ../shared/domain/fhir-auditevent-example.json. */
export const read = {
  resourceType: 'AuditEvent',
  id: 'example-rest',
  type: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'Restful Operation',
  },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'vread', display: 'vread' }],
  action: 'R',
  recorded: '2013-06-20T23:42:24Z',
  outcome: '0',
  agent: [
    {
      type: humanUser,
      who: { identifier: { value: '95' } },
      altId: '601847123',
      name: 'Grahame Grieve',
      requestor: true,
    },
    {
      type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
      who: { identifier: { system: 'urn:oid:2.16.840.1.113883.4.2', value: '2.16.840.1.113883.4.2' } },
      altId: '6580',
      requestor: false,
      network: { address: 'Workstation1.ehr.familyclinic.com', type: '1' },
    },
  ],
  source,
  entity: [
    {
      what: { reference: 'Patient/example/_history/1' },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      lifecycle: {
        system: 'http://terminology.hl7.org/CodeSystem/dicom-audit-lifecycle',
        code: '6',
        display: 'Access / Use',
      },
    },
  ],
};

/** BALP patient-update: client, server and user agents; the patient as entity type 1 / role 1. */
export const update = {
  resourceType: 'AuditEvent',
  id: 'balp-update',
  type: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'Restful Operation',
  },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'update', display: 'update' }],
  action: 'U',
  recorded: '2020-04-29T09:49:00.000Z',
  outcome: '0',
  agent: [
    {
      type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
      requestor: false,
      who: { reference: 'Device/ex-device' },
      network: { address: 'http://server.example.com/fhir', type: '5' },
    },
    {
      type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
      requestor: false,
      who: { display: 'myMachine.example.org' },
      network: { address: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', type: '2' },
    },
    {
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
            code: 'IRCP',
            display: 'information recipient',
          },
        ],
      },
      requestor: true,
      who: { identifier: { value: 'JohnSmith' } },
    },
  ],
  source: {
    site: 'server.example.com',
    observer: { reference: 'Device/ex-device' },
    type: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
        code: '4',
        display: 'Application Server',
      },
    ],
  },
  entity: [
    {
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
      what: { reference: 'Observation/ex-obs' },
    },
    {
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      what: { reference: 'Patient/ex-patient' },
    },
  ],
};

/** BALP delete: the application agent is DICOM 110150. */
export const remove = {
  ...update,
  id: 'balp-delete',
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'delete', display: 'delete' }],
  action: 'D',
  agent: [
    { ...update.agent[0]!, type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] } },
    update.agent[2]!,
  ],
};

/** Break-the-glass: DICOM 110113 Security Alert, subtype 110127 Emergency Override Started, purpose ETREAT. */
export const breakGlass = {
  resourceType: 'AuditEvent',
  id: 'btg-started',
  type: { system: DCM, code: '110113', display: 'Security Alert' },
  subtype: [{ system: DCM, code: '110127', display: 'Emergency Override Started' }],
  action: 'E',
  recorded: '2026-11-28T03:12:45+01:00',
  outcome: '0',
  purposeOfEvent: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: 'ETREAT',
          display: 'Emergency Treatment',
        },
      ],
    },
  ],
  agent: [
    {
      type: humanUser,
      who: { identifier: { value: 'dr.martin' } },
      requestor: true,
      network: { address: 'URG-PC-04', type: '1' },
    },
  ],
  source: { observer: { display: 'DxCare' } },
  entity: [{ what: { reference: 'Patient/P0004512' }, type: { code: '1' }, role: { code: '1' } }],
};

/** A read whose user's purpose of use is BTG: recorded as break-the-glass, the read kept in the context. */
export const btgRead = {
  ...read,
  id: 'btg-read',
  agent: [
    {
      ...read.agent[0]!,
      purposeOfUse: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' },
          ],
        },
      ],
    },
    read.agent[1]!,
  ],
};

/** R4 example-error: a create that failed (outcome 8, serious failure). */
export const error = {
  resourceType: 'AuditEvent',
  id: 'example-error',
  type: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'Restful Operation',
  },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'create', display: 'create' }],
  action: 'C',
  recorded: '2017-09-07T23:42:24.272+00:00',
  outcome: '8',
  outcomeDesc: 'Invalid request to create an Operation resource on the Patient endpoint.',
  agent: [
    {
      type: humanUser,
      who: { identifier: { value: '95' } },
      altId: '601847123',
      name: 'Grahame Grieve',
      requestor: true,
    },
  ],
  source,
  entity: [
    {
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' },
      what: { identifier: { value: 'PAT-77' } },
    },
  ],
};

export function bundle(resources: unknown[]): unknown {
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) };
}
