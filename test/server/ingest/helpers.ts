// Shared by the ingest tests: sources, records and batches.
import type { SourceKind } from '../../../server/ingest/ingest.tables.ts';
import type { Services } from '../../../server/services.ts';

export async function createSource(
  services: Services,
  kind: SourceKind = 'ehr',
  name = `${kind}-${Math.random().toString(36).slice(2, 8)}`,
  allowedAddresses: string[] = [],
) {
  const { source, token } = await services.sources.create({ kind: 'cli' }, { name, kind, allowedAddresses });
  return { source, token, auth: `Bearer ${token}` };
}

/** A valid access event, the i-th of a batch. */
export function eventRecord(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const minute = String(i % 60).padStart(2, '0');
  return {
    time: `2026-11-28T14:${minute}:16.${String(i % 1000).padStart(3, '0')}+01:00`,
    user: `u${1000 + (i % 37)}`,
    action: i % 11 === 0 ? 'update' : 'read',
    outcome: 'success',
    patient: `P${String(100000 + i).padStart(7, '0')}`,
    application: 'DxCare',
    workstation: `WS-CARDIO-${i % 9}`,
    address: `10.1.2.${i % 250}`,
    department: 'cardiologie',
    context: { n: i },
    ...overrides,
  };
}

export const ndjson = (records: unknown[]) =>
  records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

/** 1,000 records of which these 7 are bad, each for a different reason. */
export const BAD: Record<number, { record: unknown; reason: RegExp }> = {
  3: { record: eventRecord(3, { time: '2026-11-28T14:00:00' }), reason: /^time: an ISO 8601 time with its offset/ },
  77: { record: eventRecord(77, { action: 'peek' }), reason: /^action: Invalid option/ },
  150: { record: '{"time":"2026-11-28T14:00:00Z", "action": read}', reason: /^not valid JSON/ },
  401: { record: eventRecord(401, { patient: 'x'.repeat(129) }), reason: /^patient: Too big/ },
  512: { record: eventRecord(512, { extra: true }), reason: /^Unrecognized key: "extra"/ },
  800: { record: eventRecord(800, { time: '2026-02-30T10:00:00Z' }), reason: /^time: a real date and time$/ },
  999: { record: [1, 2], reason: /^Invalid input: expected object, received array$/ },
};

export function mixedBatch(n = 1000): unknown[] {
  return Array.from({ length: n }, (_, i) => (i in BAD ? BAD[i]!.record : eventRecord(i)));
}

/** A JSON array body; string records are spliced in raw (malformed JSON on purpose). */
export function jsonArray(records: unknown[]): string {
  return `[${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(',\n')}]`;
}
