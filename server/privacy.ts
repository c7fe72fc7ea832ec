// Patient identifiers are stored as given in their own columns but shown masked
// everywhere; free text that repeats them (an alert's explanation, a tool's raw
// payload) is stored masked. Revealing one is an explicit, audited action.

/** "P000123" → "•••••23": enough to tell two apart in a list, not to identify. */
export function maskPatientId(id: string): string;
export function maskPatientId(id: string | null): string | null;
export function maskPatientId(id: string | null): string | null {
  if (id === null) return null;
  const visible = id.length <= 4 ? 0 : 2;
  return '•'.repeat(Math.max(3, id.length - visible)) + id.slice(id.length - visible);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The value with every occurrence of these identifiers masked, whatever their
 * case ("p0004512" is the patient "P0004512" to a reader), in strings, object
 * keys and numbers, at any depth. The walk is JSON.stringify's own, so a value
 * too deep for it fails as storing it would, never half-masked.
 */
export function maskIdentifiersIn(value: unknown, identifiers: readonly (string | null | undefined)[]): unknown {
  // Longest first, so an identifier is masked before a shorter one inside it.
  const terms = [...new Set(identifiers.map((s) => s?.trim() ?? '').filter(Boolean))].sort(
    (a, b) => b.length - a.length,
  );
  if (!terms.length || value === undefined) return value;
  const pattern = new RegExp(terms.map(escapeRegExp).join('|'), 'giu');
  const mask = (text: string) => text.replace(pattern, (found) => maskPatientId(found));
  if (typeof value === 'string') return mask(value);
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'string') return mask(v);
      if (typeof v === 'number') {
        const masked = mask(String(v));
        return masked === String(v) ? v : masked;
      }
      if (v && typeof v === 'object' && !Array.isArray(v))
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [mask(k), x]));
      return v;
    }),
  ) as unknown;
}
