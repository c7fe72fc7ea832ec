// Streaming splitters for a request body: NDJSON (one record per line) and a
// JSON array (one record per element). They cut the byte stream into record
// texts as it arrives, without holding more than the current record, so each
// record is parsed and validated on its own: a bad element is refused alone
// and the good ones around it are kept. The whole element is then parsed by
// JSON.parse (native, fast) — a streaming tokenizer in JavaScript would be
// several times slower and would lose the batch at the first syntax error.
import { StringDecoder } from 'node:string_decoder';

export interface RecordSink {
  /** A record's text (UTF-8 decoded, surrounding blanks removed), its 0-based index and, for NDJSON, its 1-based line. */
  (text: string, index: number, line?: number): void;
}

/** The body's structure is broken (not the content of one record): the whole batch is refused. */
export class StructureError extends Error {}

export class NdjsonSplitter {
  // Each chunk is decoded once (a character cut between chunks waits in the
  // decoder) and lines are cut from the text: no Buffer view or decode per line.
  #decoder = new StringDecoder('utf8');
  #pending = '';
  #first = true;
  #index = 0;
  #line = 0;
  constructor(private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    let text = this.#decoder.write(chunk);
    if (this.#first && text) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
      this.#first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      if (this.#pending) {
        this.#emit(this.#pending + line);
        this.#pending = '';
      } else this.#emit(line);
      start = nl + 1;
    }
    if (start < text.length) this.#pending += text.slice(start);
  }

  end(): void {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    if (rest) this.#emit(this.#first && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest);
  }

  #emit(raw: string): void {
    this.#line++;
    // `\r\n` line ends and blank lines are tolerated; blank lines are not records.
    const text = raw.trim();
    if (text) this.sink(text, this.#index++, this.#line);
  }
}

const enum S {
  Before, // before the opening bracket
  Expect, // inside the array, waiting for an element or `]`
  Element, // inside an element
  After, // after the closing bracket
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class JsonArraySplitter {
  #state = S.Before;
  #depth = 0;
  #inString = false;
  #escape = false;
  #pending: Buffer[] = [];
  #index = 0;
  #sawComma = false;
  constructor(private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    let start = this.#state === S.Element ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.#state) {
        case S.Before:
          // Blanks, and a UTF-8 byte-order mark (possibly cut across chunks).
          if (isBlank(b) || b === 0xef || b === 0xbb || b === 0xbf) continue;
          if (b !== OPEN_ARRAY) throw new StructureError('expected a JSON array (or NDJSON with Content-Type application/x-ndjson)');
          this.#state = S.Expect;
          continue;
        case S.After:
          if (!isBlank(b)) throw new StructureError('unexpected text after the closing bracket of the array');
          continue;
        case S.Expect:
          if (isBlank(b)) continue;
          if (b === CLOSE_ARRAY) {
            if (this.#sawComma) this.#emitEmpty();
            this.#state = S.After;
            continue;
          }
          if (b === COMMA) {
            this.#emitEmpty();
            this.#sawComma = true;
            continue;
          }
          this.#state = S.Element;
          start = i;
          this.#scan(b, chunk, i);
          if (this.#state !== S.Element) start = -1;
          continue;
        case S.Element:
          this.#scan(b, chunk, i, start);
          if (this.#state !== S.Element) start = -1;
      }
    }
    if (this.#state === S.Element && start >= 0) this.#pending.push(chunk.subarray(start));
  }

  /** One byte of an element: strings, nesting, and the comma or bracket that ends it at depth 0. */
  #scan(b: number, chunk: Buffer, i: number, start = i): void {
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (b === BACKSLASH) this.#escape = true;
      else if (b === QUOTE) this.#inString = false;
      return;
    }
    if (b === QUOTE) this.#inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.#depth++;
    else if (b === CLOSE_OBJECT || (b === CLOSE_ARRAY && this.#depth > 0)) this.#depth--;
    else if (this.#depth <= 0 && (b === COMMA || b === CLOSE_ARRAY)) {
      this.#pending.push(chunk.subarray(start, i));
      this.#emitPending();
      this.#sawComma = b === COMMA;
      this.#state = b === COMMA ? S.Expect : S.After;
    }
  }

  end(): void {
    if (this.#state === S.Before) throw new StructureError('empty body: expected a JSON array');
    if (this.#state !== S.After) throw new StructureError('the JSON array is not closed (the body was cut short?)');
  }

  #emitPending(): void {
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    this.sink(bytes.toString('utf8').trim(), this.#index++);
  }

  #emitEmpty(): void {
    this.sink('', this.#index++);
  }
}

/**
 * JSON.parse's message without the excerpt of the input V8 adds to it
 * (it may hold a patient identifier, and reasons are stored as the source's last error).
 */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  // V8 writes "<what> in JSON at position N" or "<what>, \"<excerpt>\" is not valid JSON": keep <what>.
  const what = message.split(/ in JSON|, "/)[0]!.slice(0, 80);
  return `not valid JSON: ${what}${position ? ` at position ${position}` : ''}`;
}
