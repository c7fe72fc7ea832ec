// Export encoders: turn batches of entries into CSV or JSON text chunks, so an
// export of millions of entries is streamed and never held in memory.
import type { AuditEntryView } from './audit.present.ts';

const paris = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** "2026-11-28T10:00:00.000+01:00": the time in Europe/Paris with its offset written out. */
export function parisIso(ms: number): string {
  const p = Object.fromEntries(paris.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : (p.timeZoneName ?? 'GMT+00:00').replace('GMT', '');
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${millis}${offset}`;
}

export const CSV_COLUMNS = [
  'seq',
  'time',
  'at',
  'actor',
  'actorName',
  'requestId',
  'address',
  'action',
  'targetType',
  'targetId',
  'details',
  'prevHash',
  'hash',
] as const;

/**
 * One CSV field (RFC 4180). A text starting with = + - @ or a control character
 * gets a leading apostrophe so that a spreadsheet never runs it as a formula.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(e: AuditEntryView): string {
  const details = typeof e.details === 'string' ? e.details : JSON.stringify(e.details);
  const values: (string | number | null)[] = [
    e.seq,
    parisIso(e.at),
    e.at,
    e.actor.label,
    e.actor.name,
    e.requestId,
    e.address,
    e.action,
    e.target?.type ?? null,
    e.target?.id ?? null,
    details,
    e.prevHash,
    e.hash,
  ];
  return values.map(csvField).join(',') + '\r\n';
}

export async function* toCsv(batches: AsyncIterable<AuditEntryView[]>): AsyncGenerator<string> {
  // A byte-order mark so that spreadsheet programs read the accents right.
  yield '\uFEFF' + CSV_COLUMNS.join(',') + '\r\n';
  for await (const batch of batches) yield batch.map(csvRow).join('');
}

/** A JSON array, one entry per line, written as it is read. */
export async function* toJson(batches: AsyncIterable<AuditEntryView[]>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const batch of batches) {
    let chunk = '';
    for (const e of batch) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify({ ...e, time: parisIso(e.at) });
      first = false;
    }
    yield chunk;
  }
  yield first ? ']\n' : '\n]\n';
}
