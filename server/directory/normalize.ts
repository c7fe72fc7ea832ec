// Names and addresses are compared after normalisation: case, accents,
// punctuation and the usual French street abbreviations do not matter.
const ABBREVIATIONS: Record<string, string> = {
  r: 'rue',
  av: 'avenue',
  ave: 'avenue',
  bd: 'boulevard',
  bld: 'boulevard',
  boul: 'boulevard',
  pl: 'place',
  ch: 'chemin',
  chem: 'chemin',
  imp: 'impasse',
  all: 'allee',
  rte: 'route',
  fbg: 'faubourg',
  sq: 'square',
  st: 'saint',
  ste: 'sainte',
  pass: 'passage',
  crs: 'cours',
  qu: 'quai',
  res: 'residence',
  lot: 'lotissement',
};

/** "Le Gall-Hervé" → "le gall herve". */
export function normalizeName(value: string | null | undefined): string | null {
  if (!value) return null;
  const n = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return n || null;
}

export interface AddressKeys {
  addressKey: string | null;
  streetKey: string | null;
}

/**
 * "12 bis, Av. des Lilas" + "69003" → { addressKey: "12bis|avenue des lilas|69003", streetKey: "avenue des lilas|69003" }.
 * Without a postcode the normalised city stands in; without either, no key.
 */
export function addressKeys(
  line: string | null | undefined,
  postcode: string | null | undefined,
  city: string | null | undefined,
): AddressKeys {
  const place = postcode?.replace(/\s+/g, '') || normalizeName(city);
  const words = normalizeName(line)?.split(' ') ?? [];
  if (!words.length || !place) return { addressKey: null, streetKey: null };
  let number = '';
  if (/^\d+[a-z]?$/.test(words[0]!)) {
    number = words.shift()!;
    if (words[0] && ['bis', 'ter', 'quater', 'b', 't'].includes(words[0])) number += words.shift()!;
  }
  const street = words.map((w) => ABBREVIATIONS[w] ?? w).join(' ');
  if (!street) return { addressKey: null, streetKey: null };
  return { addressKey: number ? `${number}|${street}|${place}` : null, streetKey: `${street}|${place}` };
}
