import { describe, expect, it } from 'vitest';
import { JsonArraySplitter, NdjsonSplitter, StructureError, jsonErrorReason } from '../../../server/ingest/record-splitter.ts';

type Out = { text: string; index: number; line?: number };

/** Feeds `body` cut into chunks of `size` bytes (1 = every possible cut). */
function split(kind: 'ndjson' | 'array', body: string | Buffer, size: number): Out[] {
  const out: Out[] = [];
  const sink = (text: string, index: number, line?: number) => out.push(line === undefined ? { text, index } : { text, index, line });
  const s = kind === 'ndjson' ? new NdjsonSplitter(sink) : new JsonArraySplitter(sink);
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  for (let i = 0; i < buf.length; i += size) s.push(buf.subarray(i, i + size));
  s.end();
  return out;
}

describe('JsonArraySplitter', () => {
  const body = ' [ {"a":"x,]}\\"y","n":[1,{"b":2}]} , {"é":"ü€"},\n 3 ,"s]", {"bad": } ,null ]  ';
  const expected = ['{"a":"x,]}\\"y","n":[1,{"b":2}]}', '{"é":"ü€"}', '3', '"s]"', '{"bad": }', 'null'];

  it('cuts elements the same wherever the chunks break, strings and nesting included', () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(split('array', body, size).map((o) => o.text)).toEqual(expected);
    }
    expect(split('array', body, 5).map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports an empty element where a comma has no value, and accepts [] and a BOM', () => {
    expect(split('array', '[1,,2,]', 1).map((o) => o.text)).toEqual(['1', '', '2', '']);
    expect(split('array', '[]', 1)).toEqual([]);
    expect(split('array', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]), 2).map((o) => o.text)).toEqual(['{"a":1}']);
  });

  it('refuses a body that is not an array, is cut short, or has text after the array', () => {
    expect(() => split('array', '{"a":1}', 4)).toThrow(StructureError);
    expect(() => split('array', '[{"a":1},{"b"', 4)).toThrow(/not closed/);
    expect(() => split('array', '[1] x', 4)).toThrow(/after the closing bracket/);
    expect(() => split('array', '   ', 4)).toThrow(/empty body/);
  });
});

describe('NdjsonSplitter', () => {
  it('gives one record per non-blank line with its index and line, across chunk cuts and CRLF', () => {
    const body = '{"a":1}\r\n\n  {"b":"ü€"}\n{"c":3}';
    for (const size of [1, 3, 100]) {
      expect(split('ndjson', body, size)).toEqual([
        { text: '{"a":1}', index: 0, line: 1 },
        { text: '{"b":"ü€"}', index: 1, line: 3 },
        { text: '{"c":3}', index: 2, line: 4 },
      ]);
    }
  });

  it('drops a byte-order mark even cut across chunks, and decodes a broken UTF-8 sequence within its own line', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const size of [1, 2, 4, 100]) {
      expect(split('ndjson', Buffer.concat([bom, Buffer.from('{"a":"é"}\n{"b":2}')]), size).map((o) => o.text)).toEqual(['{"a":"é"}', '{"b":2}']);
      // A lone lead byte of a three-byte character at a line's end: replaced, and the next line is intact.
      const broken = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xe2, 0x82]), Buffer.from('"}\n{"b":"€"}\n')]);
      expect(split('ndjson', broken, size).map((o) => o.text)).toEqual(['{"a":"x\ufffd"}', '{"b":"€"}']);
    }
    expect(split('ndjson', bom, 1)).toEqual([]);
  });
});

describe('jsonErrorReason', () => {
  it('keeps what went wrong and where, never the excerpt V8 quotes (it may hold a patient id)', () => {
    const reason = (text: string) => {
      try {
        JSON.parse(text);
        return 'parsed';
      } catch (e) {
        return jsonErrorReason(e);
      }
    };
    expect(reason('{"patient":P1234567}')).toBe("not valid JSON: Unexpected token 'P'");
    expect(reason('{"patient":"P1234567"')).toMatch(/^not valid JSON: Expected ',' or '}' after property value at position 21$/);
    expect(reason('{"patient":"P1234567"')).not.toContain('P1234567');
  });
});
