// Patient identifiers are stored as given but shown masked everywhere;
// revealing one is an explicit, audited action (see the ingest module).

/** "P000123" → "•••••23": enough to tell two apart in a list, not to identify. */
export function maskPatientId(id: string): string;
export function maskPatientId(id: string | null): string | null;
export function maskPatientId(id: string | null): string | null {
  if (id === null) return null;
  const visible = id.length <= 4 ? 0 : 2;
  return '•'.repeat(Math.max(3, id.length - visible)) + id.slice(id.length - visible);
}
