import { describe, expect, it } from 'vitest';
import { textDecoding, type Unreadable } from '../../../server/ingest/pipeline/body-decoding.ts';
import {
  JsonArraySplitter,
  NdjsonSplitter,
  StructureError,
  jsonErrorReason,
} from '../../../server/ingest/pipeline/record-splitter.ts';

type Out = { text: string | Unreadable; index: number; line?: number };

/** Feeds `body` cut into chunks of `size` bytes (1 = every possible cut). */
function split(kind: 'ndjson' | 'array', body: string | Buffer, size: number, charset = 'utf-8'): Out[] {
  const out: Out[] = [];
  const sink = (text: string | Unreadable, index: number, line?: number) =>
    out.push(line === undefined ? { text, index } : { text, index, line });
  const s =
    kind === 'ndjson'
      ? new NdjsonSplitter(sink, textDecoding(charset))
      : new JsonArraySplitter(sink, textDecoding(charset));
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
    expect(
      split('array', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]), 2).map((o) => o.text),
    ).toEqual(['{"a":1}']);
  });

  it('refuses a body that is not an array, is cut short, or has text after the array', () => {
    expect(() => split('array', '{"a":1}', 4)).toThrow(StructureError);
    expect(() => split('array', '[{"a":1},{"b"', 4)).toThrow(/not closed/);
    expect(() => split('array', '[1] x', 4)).toThrow(/after the closing bracket/);
    expect(() => split('array', '   ', 4)).toThrow(/empty body/);
  });

  it('refuses an element of invalid UTF-8 alone', () => {
    const body = Buffer.concat([Buffer.from('[{"a":1},"'), Buffer.from([0xff]), Buffer.from('",{"b":2}]')]);
    expect(split('array', body, 3).map((o) => o.text)).toEqual([
      '{"a":1}',
      { unreadable: expect.stringMatching(/^not valid UTF-8 \(byte 2 of the record is 0xff\)/) },
      '{"b":2}',
    ]);
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

  it('drops a byte-order mark even cut across chunks, and refuses a line of invalid UTF-8 alone, by its byte (never replaced)', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const size of [1, 2, 4, 100]) {
      expect(split('ndjson', Buffer.concat([bom, Buffer.from('{"a":"é"}\n{"b":2}')]), size).map((o) => o.text)).toEqual(
        ['{"a":"é"}', '{"b":2}'],
      );
      // A lone lead byte of a three-byte character, then a Latin-1 "é": both lines refused, the ones around them intact.
      const broken = Buffer.concat([
        Buffer.from('{"z":0}\n{"a":"x'),
        Buffer.from([0xe2, 0x82]),
        Buffer.from('"}\n{"b":"€"}\n{"c":"'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n{"d":4}'),
      ]);
      expect(split('ndjson', broken, size)).toEqual([
        { text: '{"z":0}', index: 0, line: 1 },
        {
          text: {
            unreadable: expect.stringMatching(
              /^not valid UTF-8 \(byte 8 of the record is 0xe2\); send UTF-8, or declare the charset/,
            ),
          },
          index: 1,
          line: 2,
        },
        { text: '{"b":"€"}', index: 2, line: 3 },
        {
          text: { unreadable: expect.stringMatching(/^not valid UTF-8 \(byte 7 of the record is 0xe9\)/) },
          index: 3,
          line: 4,
        },
        { text: '{"d":4}', index: 4, line: 5 },
      ]);
    }
    expect(split('ndjson', bom, 1)).toEqual([]);
  });

  it('decodes a declared single-byte charset (Latin-1 from an old French system)', () => {
    const latin1 = Buffer.from('{"dept":"Médecine générale"}\n{"n":"Noël"}\n', 'latin1');
    const cp1252 = Buffer.from([...Buffer.from('{"n":"'), 0x80, ...Buffer.from('"}')]);
    for (const size of [1, 5, 100]) {
      expect(split('ndjson', latin1, size, 'windows-1252').map((o) => o.text)).toEqual([
        '{"dept":"Médecine générale"}',
        '{"n":"Noël"}',
      ]);
      expect(
        split('array', Buffer.concat([Buffer.from('['), cp1252, Buffer.from(']')]), size, 'windows-1252').map(
          (o) => o.text,
        ),
      ).toEqual(['{"n":"€"}']);
    }
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
    expect(reason('{"patient":"P1234567"')).toMatch(
      /^not valid JSON: Expected ',' or '}' after property value at position 21$/,
    );
    expect(reason('{"patient":"P1234567"')).not.toContain('P1234567');
    // V8 says "after JSON at position N (line 1 column M)": the position is written once.
    expect(reason('{"a":1} trailing words')).toBe(
      'not valid JSON: Unexpected non-whitespace character after JSON at position 8',
    );
  });
});
