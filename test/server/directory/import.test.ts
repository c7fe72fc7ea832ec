import { afterEach, beforeEach, expect, it } from 'vitest';
import { cliActor } from '../../../server/actor.ts';
import type { ImportReport } from '../../../server/directory/directory.service.ts';
import { AppError } from '../../../server/errors.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

const STAFF = `id,title,givenName,familyName,department,profession,endDate,lastLoginAt,addressLine,postcode,city
cmartin,Dr,Claire,Martin,Cardiologie,Médecin,,2026-02-27T08:30:00+01:00,12 rue des Lilas,69003,Lyon
jdurand,,Julie,Durand,Cardiologie,Infirmier,,,3 av. Berthelot,69007,Lyon
`;
const PATIENTS = `id,givenName,familyName,birthName,birthDate,addressLine,postcode,city,vip,deceasedDate,staffId
P1,Jean,Martin,,1950-02-03,12 Rue des Lilas,69003,Lyon,non,,
P2,Claire,Martin,,1980-05-04,12 rue des lilas,69003,Lyon,0,,cmartin
P3,Ève,Star,Dupont,1975-01-01,1 place Bellecour,69002,Lyon,oui,2026-01-10,
`;

async function refused(p: Promise<unknown>): Promise<ImportReport> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('directory.rows_invalid');
  return (error as AppError).details!.report as ImportReport;
}

describeEachDialect('directory import', (dialect) => {
  let t: TestApp;
  const imp = (
    kind: 'staff' | 'patients' | 'encounters' | 'assignments' | 'workstations',
    content: string,
    extra: { partial?: boolean; dryRun?: boolean; format?: 'csv' | 'json' } = {},
  ) =>
    t.services.directory.import(cliActor, {
      kind,
      format: extra.format ?? 'csv',
      filename: `${kind}.csv`,
      content,
      ...extra,
    });
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('imports CSV staff and patients in one transaction each, normalises addresses, and audits', async () => {
    expect(await imp('staff', STAFF)).toMatchObject({
      total: 2,
      valid: 2,
      created: 2,
      updated: 0,
      rejected: [],
      committed: true,
    });
    expect(await imp('patients', PATIENTS)).toMatchObject({ total: 3, created: 3, committed: true });
    const index = await t.services.directory.index();
    expect(index.patients.get('P1')!.identity.addressKeys).toEqual(index.staff.get('cmartin')!.identity.addressKeys);
    expect(index.patients.get('P3')).toMatchObject({ vip: true, birthName: 'Dupont' });
    expect(index.staff.get('cmartin')!.patientIds).toEqual(['P2']);
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select(['action', 'details'])
      .where('action', '=', 'directory.imported')
      .execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1]!.details)).toMatchObject({ kind: 'patients', created: 3, rejected: 0 });
  });

  it('re-importing updates rows in place', async () => {
    await imp('staff', STAFF);
    const report = await imp(
      'staff',
      STAFF.replace('jdurand,,Julie,Durand,Cardiologie', 'jdurand,,Julie,Durand,Réanimation'),
    );
    expect(report).toMatchObject({ created: 0, updated: 2 });
    expect((await t.services.directory.index()).staff.get('jdurand')!.department).toBe('Réanimation');
    expect((await t.services.directory.summary()).counts.staff).toBe(2);
  });

  it('refuses a file with bad rows whole, naming every bad row and its reason', async () => {
    const bad = `${STAFF}xdupont,,Xavier,,Urgences,Infirmier,,,,,
cmartin,,Claire,Martin,Urgences,Médecin,,,,,
ylo,,Yves,Lo,Urgences,Infirmier,,2026-03-01T08:00:00,,,
`;
    const report = await refused(imp('staff', bad));
    expect(report.rejected).toEqual([
      { at: 'line 4', id: 'xdupont', problems: ['familyName: required'] },
      { at: 'line 5', id: 'cmartin', problems: ['id "cmartin" is already used at line 2'] },
      {
        at: 'line 6',
        id: 'ylo',
        problems: ['lastLoginAt: a time needs its offset (Z or +01:00): a time without one is never guessed'],
      },
    ]);
    expect((await t.services.directory.summary()).counts.staff).toBe(0);
  });

  it('with partial, imports the good rows and reports the others', async () => {
    const report = await imp('staff', `${STAFF}xdupont,,Xavier,,Urgences,Infirmier,,,,,\n`, { partial: true });
    expect(report).toMatchObject({ valid: 2, created: 2, committed: true });
    expect(report.rejected.map((r) => r.at)).toEqual(['line 4']);
    expect((await t.services.directory.summary()).counts.staff).toBe(2);
  });

  it('a dry run reports and writes nothing', async () => {
    expect(await imp('staff', STAFF, { dryRun: true })).toMatchObject({ created: 2, committed: false });
    expect((await t.services.directory.summary()).counts.staff).toBe(0);
  });

  it('checks references: an encounter of an unknown patient, an assignment of an unknown user', async () => {
    await imp('staff', STAFF);
    await imp('patients', PATIENTS);
    const report = await refused(
      imp(
        'encounters',
        `id,patientId,department,kind,start,end\nE1,P1,Cardiologie,IMP,2026-03-01T10:00:00+01:00,\nE2,P404404,Cardiologie,IMP,2026-03-01,2026-03-03\nE3,P1,Cardiologie,IMP,2026-03-05,2026-03-01\n`,
      ),
    );
    expect(report.rejected).toEqual([
      { at: 'line 3', id: 'E2', problems: ['patient •••••04 is not in the directory (import patients first)'] },
      { at: 'line 4', id: 'E3', problems: ['end: ends before it starts'] },
    ]);
    const a = await refused(
      imp('assignments', `id,userId,patientId,start,end,reason\nA1,nobody,P1,2026-03-01T10:00:00Z,,Avis\n`),
    );
    expect(a.rejected[0]!.problems).toEqual(['staff "nobody" is not in the directory (import staff first)']);
  });

  it('reads JSON arrays, French CSV with semicolons and a BOM, and says which columns are unknown', async () => {
    expect(
      await imp('staff', JSON.stringify([{ id: 'a1', familyName: 'Roux', accountType: 'service' }]), {
        format: 'json',
      }),
    ).toMatchObject({ created: 1 });
    expect(
      await imp(
        'workstations',
        '\uFEFFid;site;department;latitude;longitude\nSL-1;Saint-Luc;Cardiologie;45,7578;4,852\n',
      ),
    ).toMatchObject({ created: 1 });
    expect((await t.services.directory.index()).workstations.get('SL-1')).toMatchObject({
      latitude: 45.7578,
      longitude: 4.852,
    });
    await expect(imp('staff', 'id,familyName,shoeSize\nx,Y,42\n')).rejects.toThrow(
      /Unknown column "shoeSize" for staff; the columns are: id, title/,
    );
  });

  it('reads FHIR R4 bundles: Practitioner with PractitionerRole, Patient, Encounter', async () => {
    const staffBundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'Practitioner',
            id: 'pr1',
            identifier: [{ value: 'lmoreau' }],
            name: [{ family: 'Moreau', given: ['Louis'], prefix: ['Dr'] }],
          },
        },
        {
          resource: {
            resourceType: 'PractitionerRole',
            id: 'r1',
            practitioner: { reference: 'Practitioner/pr1' },
            organization: { display: 'Cardiologie' },
            code: [{ text: 'Médecin' }],
            period: { end: '2026-02-01' },
            active: false,
          },
        },
        { resource: { resourceType: 'Organization', id: 'o1' } },
      ],
    };
    expect(await imp('staff', JSON.stringify(staffBundle), { format: 'json' })).toMatchObject({
      format: 'fhir',
      created: 1,
      ignored: 1,
    });
    const patientBundle = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            id: 'x1',
            meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] },
            identifier: [
              { type: { coding: [{ code: 'MR' }] }, value: 'IPP77' },
              { type: { coding: [{ code: 'EI' }] }, value: 'lmoreau' },
            ],
            name: [
              { use: 'official', family: 'Moreau', given: ['Louis'] },
              { use: 'maiden', family: 'Blanc' },
            ],
            birthDate: '1970-01-01',
            address: [{ line: ['4 rue Pasteur'], postalCode: '69007', city: 'Lyon' }],
            deceasedDateTime: '2026-02-20T10:00:00+01:00',
          },
        },
      ],
    };
    await imp('patients', JSON.stringify(patientBundle), { format: 'json' });
    const encounterBundle = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            id: 'x1',
            identifier: [{ type: { coding: [{ code: 'MR' }] }, value: 'IPP77' }],
          },
        },
        {
          resource: {
            resourceType: 'Encounter',
            id: 'enc1',
            class: { code: 'IMP' },
            subject: { reference: 'Patient/x1' },
            serviceProvider: { display: 'Cardiologie' },
            period: { start: '2026-02-10T10:00:00+01:00', end: '2026-02-20T10:00:00+01:00' },
          },
        },
      ],
    };
    expect(await imp('encounters', JSON.stringify(encounterBundle), { format: 'json' })).toMatchObject({
      created: 1,
      ignored: 1,
    });
    const index = await t.services.directory.index();
    expect(index.staff.get('lmoreau')).toMatchObject({
      displayName: 'Dr Louis Moreau',
      department: 'Cardiologie',
      status: 'terminated',
    });
    expect(index.patients.get('IPP77')).toMatchObject({
      vip: true,
      staffId: 'lmoreau',
      birthName: 'Blanc',
      deceasedAt: Date.parse('2026-02-20T09:00:00Z'),
    });
    expect(index.encountersOf('IPP77')).toHaveLength(1);
  });
});
