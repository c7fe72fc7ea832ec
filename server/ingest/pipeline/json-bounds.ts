// Bounds on one record's JSON before anything recursive touches it. JSON.parse
// itself is iterative in V8, but what follows is not: JSON.stringify, zod, the
// mappers' walks over a tool's payload. A record nested thousands deep would
// overflow the stack there and fail its whole batch, so it is refused first,
// by a cheap scan of its text (strings skipped, no allocation).

/** The deepest nesting of arrays and objects a record may have (real FHIR, Wazuh and Suricata records stay below 15). */
export const MAX_JSON_DEPTH = 64;
export const TOO_DEEP_MESSAGE = `nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * True when the JSON text nests arrays and objects deeper than `max`.
 * Malformed text is not judged here (JSON.parse says what is wrong with it).
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  const len = text.length;
  if (len <= max) return false; // max + 1 opening brackets need at least as many characters
  // Most records hold a handful of brackets: counted natively (strings included, so never too few), the
  // character walk below only runs when there are more than `max`.
  let opening = 0;
  for (let i = text.indexOf('{'); i !== -1 && opening <= max; i = text.indexOf('{', i + 1)) opening++;
  for (let i = text.indexOf('['); i !== -1 && opening <= max; i = text.indexOf('[', i + 1)) opening++;
  if (opening <= max) return false;
  let depth = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return false;
        let b = q - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
