// A row read from an import file, before validation: its own module so that
// the CSV/JSON reader (parse.ts) and the FHIR reader (fhir.ts) share it
// without importing each other.
export interface RawRow {
  /** "line 12", "item 3", "entry[4] Patient/p-17". */
  at: string;
  data: Record<string, unknown>;
}
