import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from '../../../server/ingest/pipeline/json-bounds.ts';

describe('jsonTooDeep', () => {
  const nest = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);
  it('measures arrays and objects, skipping brackets inside strings (escaped quotes included)', () => {
    expect(jsonTooDeep(nest(64))).toBe(false);
    expect(jsonTooDeep(nest(65))).toBe(true);
    expect(jsonTooDeep('{"a":'.repeat(65) + '1' + '}'.repeat(65))).toBe(true);
    expect(jsonTooDeep(`{"s":"${'['.repeat(500)}"}`)).toBe(false);
    expect(jsonTooDeep(`{"s":"\\"${'['.repeat(500)}\\\\"}`)).toBe(false);
    expect(jsonTooDeep(`{"s":"\\\\"${nest(70)}}`)).toBe(true); // the string ends at the quote after an escaped backslash
    // Siblings are not depth.
    expect(jsonTooDeep(`[${Array(1000).fill('[1]').join(',')}]`)).toBe(false);
    expect(jsonTooDeep(nest(10_000))).toBe(true);
  });
});
