// CSV for the explorer's export (RFC 4180, UTF-8 with a BOM so spreadsheet
// software reads the accents). Cells that a spreadsheet would run as a
// formula (= + - @, tab, CR at the start) are prefixed with a quote.
import type { AccessEventView } from './explorer.service.ts';

export const CSV_HEADER = [
  'id',
  'occurredAt',
  'occurredAtText',
  'receivedAt',
  'source',
  'user',
  'action',
  'outcome',
  'patient',
  'application',
  'workstation',
  'address',
  'department',
  'context',
];

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export function csvRow(e: AccessEventView): string {
  return csvLine([
    e.id,
    new Date(e.occurredAt).toISOString(),
    e.occurredAtText,
    new Date(e.receivedAt).toISOString(),
    e.source.name ?? e.source.id,
    e.user,
    e.action,
    e.outcome,
    e.patient,
    e.application,
    e.workstation,
    e.address,
    e.department,
    e.context,
  ]);
}
