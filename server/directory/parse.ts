// Reads an import file into rows, each with where it came from (CSV line,
// JSON item, FHIR entry) so that every refusal can name its row.
import { parse as parseCsv } from 'csv-parse/sync';
import { Invalid } from '../errors.ts';
import { fhirRows } from './fhir.ts';
import type { RawRow } from './raw-row.ts';
import { CSV_COLUMNS, type DirectoryKind } from './records.ts';

export const IMPORT_FORMATS = ['csv', 'json', 'fhir'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ParsedFile {
  format: ImportFormat;
  rows: RawRow[];
  /** Resources of a FHIR bundle that the kind does not read (counted, not refused). */
  ignored: number;
}

/** The format told by the file name: .csv, or .json (a FHIR Bundle is recognised by its content). */
export function formatFromFilename(filename: string): 'csv' | 'json' {
  const ext = filename.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  throw new Invalid('directory.format', `Cannot tell the format of "${filename}": the name must end in .csv or .json`);
}

export function parseImport(kind: DirectoryKind, format: 'csv' | 'json', content: string): ParsedFile {
  if (format === 'csv') return { format, rows: csvRows(kind, content), ignored: 0 };
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Invalid('directory.json', `The file is not valid JSON: ${(error as Error).message}`);
  }
  if (
    data &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    (data as { resourceType?: unknown }).resourceType === 'Bundle'
  ) {
    const { rows, ignored } = fhirRows(kind, data as Record<string, unknown>);
    return { format: 'fhir', rows, ignored };
  }
  if (!Array.isArray(data)) {
    throw new Invalid('directory.json', 'A JSON import is an array of objects, one per row (or a FHIR R4 Bundle)');
  }
  return {
    format: 'json',
    ignored: 0,
    rows: data.map((item, i) => ({
      at: `item ${i + 1}`,
      data:
        item && typeof item === 'object' && !Array.isArray(item)
          ? (item as Record<string, unknown>)
          : { __notObject: true },
    })),
  };
}

function csvRows(kind: DirectoryKind, content: string): RawRow[] {
  const text = content.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  // Spreadsheets in French locales write ";".
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as never;
  } catch (error) {
    throw new Invalid('directory.csv', `The CSV cannot be read: ${(error as Error).message}`);
  }
  const header = records.shift();
  if (!header) throw new Invalid('directory.csv', 'The CSV is empty: it needs a header line');
  const columns = header.record;
  const known = CSV_COLUMNS[kind];
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length) {
    throw new Invalid(
      'directory.csv_columns',
      `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')} for ${kind}; the columns are: ${known.join(', ')}`,
      { unknown, known },
    );
  }
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) throw new Invalid('directory.csv_columns', `Column "${dup}" appears twice in the header`);
  return records.map(({ record, info }) => {
    const data: Record<string, unknown> = {};
    columns.forEach((c, i) => (data[c] = record[i] ?? ''));
    if (record.length !== columns.length)
      data.__columns = `${record.length} fields where the header has ${columns.length}`;
    return { at: `line ${info.lines}`, data };
  });
}
