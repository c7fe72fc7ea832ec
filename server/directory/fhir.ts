// FHIR R4 bundles → directory rows. Practitioner (+ PractitionerRole) gives
// staff, Patient gives patients, Encounter gives encounters. The mapping is
// documented in docs/directory.md; resources the kind does not read are counted.
import { Invalid } from '../errors.ts';
import type { RawRow } from './raw-row.ts';
import type { DirectoryKind } from './records.ts';

type Json = Record<string, any>;

const READS: Partial<Record<DirectoryKind, string[]>> = {
  staff: ['Practitioner', 'PractitionerRole'],
  patients: ['Patient'],
  encounters: ['Encounter', 'Patient'],
};

/** identifier.type code for an employee number (HL7 v2-0203 "EI") and a medical record number ("MR"). */
const hasType = (identifier: Json, code: string) =>
  (identifier?.type?.coding ?? []).some((c: Json) => c?.code === code);

function pickName(resource: Json, uses: string[]): Json | undefined {
  const names: Json[] = Array.isArray(resource.name) ? resource.name : [];
  for (const use of uses) {
    const n = names.find((x) => x?.use === use);
    if (n) return n;
  }
  return uses.includes('')
    ? (names.find((x) => !x?.use || x.use === 'official' || x.use === 'usual') ?? names[0])
    : undefined;
}

function address(resource: Json) {
  const a: Json | undefined =
    (Array.isArray(resource.address) ? resource.address : []).find((x: Json) => x?.use !== 'old') ?? undefined;
  if (!a) return {};
  return { addressLine: Array.isArray(a.line) ? a.line.join(' ') : a.text, postcode: a.postalCode, city: a.city };
}

const refId = (ref: unknown) => (typeof ref === 'string' ? ref.split('/').pop() : undefined);
const codeText = (cc: Json | undefined) => cc?.text ?? cc?.coding?.[0]?.display ?? cc?.coding?.[0]?.code;

export function fhirRows(kind: DirectoryKind, bundle: Json): { rows: RawRow[]; ignored: number } {
  const reads = READS[kind];
  if (!reads) throw new Invalid('directory.fhir_kind', `FHIR bundles carry staff, patients or encounters, not ${kind}`);
  const entries: { resource: Json; at: string }[] = (Array.isArray(bundle.entry) ? bundle.entry : []).map(
    (e: Json, i: number) => ({
      resource: e?.resource ?? {},
      at: `entry[${i}] ${e?.resource?.resourceType ?? '?'}/${e?.resource?.id ?? '?'}`,
    }),
  );
  const ignored = entries.filter((e) => !reads.includes(e.resource.resourceType)).length;

  if (kind === 'staff') {
    const roles = new Map<string, Json[]>();
    for (const { resource } of entries) {
      if (resource.resourceType !== 'PractitionerRole') continue;
      const pid = refId(resource.practitioner?.reference);
      if (pid) roles.set(pid, [...(roles.get(pid) ?? []), resource]);
    }
    const rows = entries
      .filter((e) => e.resource.resourceType === 'Practitioner')
      .map(({ resource: r, at }) => {
        const name = pickName(r, ['official', 'usual', '']);
        const maiden = pickName(r, ['maiden']);
        const role = (roles.get(r.id) ?? []).find((x) => x.active !== false) ?? roles.get(r.id)?.[0];
        const terminated = r.active === false || (role && role.active === false);
        return {
          at,
          data: {
            id: r.identifier?.[0]?.value ?? r.id,
            title: name?.prefix?.[0],
            givenName: name?.given?.join(' '),
            familyName: name?.family,
            birthName: maiden?.family,
            birthDate: r.birthDate,
            ...address(r),
            department: role?.organization?.display ?? codeText(role?.specialty?.[0]),
            profession: codeText(role?.code?.[0]),
            status: terminated ? 'terminated' : 'active',
            endDate: role?.period?.end,
          },
        };
      });
    return { rows, ignored };
  }

  // Patient id as the EHR logs it: the MR identifier, else the first non-employee one, else the resource id.
  const patientIdOf = (r: Json) => {
    const ids: Json[] = Array.isArray(r.identifier) ? r.identifier : [];
    return (ids.find((i) => hasType(i, 'MR')) ?? ids.find((i) => !hasType(i, 'EI')))?.value ?? r.id;
  };

  if (kind === 'patients') {
    const rows = entries
      .filter((e) => e.resource.resourceType === 'Patient')
      .map(({ resource: r, at }) => {
        const name = pickName(r, ['official', 'usual', '']);
        const maiden = pickName(r, ['maiden']);
        const security: Json[] = r.meta?.security ?? [];
        const tags: Json[] = r.meta?.tag ?? [];
        return {
          at,
          data: {
            id: patientIdOf(r),
            givenName: name?.given?.join(' '),
            familyName: name?.family,
            birthName: maiden?.family,
            birthDate: r.birthDate,
            ...address(r),
            vip: security.some((s) => s?.code === 'V') || tags.some((t) => String(t?.code).toUpperCase() === 'VIP'),
            deceasedDate: r.deceasedDateTime,
            staffId: (r.identifier ?? []).find((i: Json) => hasType(i, 'EI'))?.value,
            ...(r.deceasedBoolean === true && !r.deceasedDateTime
              ? { __deceased: 'deceasedBoolean without deceasedDateTime: the date of death is needed' }
              : {}),
          },
        };
      });
    return { rows, ignored };
  }

  const patients = new Map<string, string>();
  for (const { resource } of entries)
    if (resource.resourceType === 'Patient' && resource.id) patients.set(resource.id, patientIdOf(resource));
  const rows = entries
    .filter((e) => e.resource.resourceType === 'Encounter')
    .map(({ resource: r, at }) => {
      const ref = refId(r.subject?.reference);
      return {
        at,
        data: {
          id: r.identifier?.[0]?.value ?? r.id,
          patientId: r.subject?.identifier?.value ?? (ref ? (patients.get(ref) ?? ref) : undefined),
          department: codeText(r.serviceType) ?? r.serviceProvider?.display ?? r.location?.[0]?.location?.display,
          kind: r.class?.code,
          start: r.period?.start,
          end: r.period?.end,
        },
      };
    });
  return { rows, ignored: entries.filter((e) => e.resource.resourceType !== 'Encounter').length };
}
