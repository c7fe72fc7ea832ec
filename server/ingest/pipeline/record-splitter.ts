// Streaming splitters for a request body: NDJSON (one record per line) and a
// JSON array (one record per element). They cut the byte stream into record
// texts as it arrives, without holding more than the current record, so each
// record is parsed and validated on its own: a bad element is refused alone
// and the good ones around it are kept. The whole element is then parsed by
// JSON.parse (native, fast) — a streaming tokenizer in JavaScript would be
// several times slower and would lose the batch at the first syntax error.
import { textDecoding, type TextDecoding, type Unreadable } from './body-decoding.ts';

export interface RecordSink {
  /**
   * A record's text (decoded, surrounding blanks removed) — or why its bytes
   * cannot be read in the body's charset —, its 0-based index and, for NDJSON, its 1-based line.
   * `deepest` is the record's nesting of arrays and objects when the splitter
   * measured it while cutting the record out (JSON bodies), so it need not be scanned again.
   */
  (text: string | Unreadable, index: number, line?: number, deepest?: number): void;
}

/** The body's structure is broken (not the content of one record): the whole batch is refused. */
export class StructureError extends Error {}

const UTF8 = textDecoding('utf-8');

export class NdjsonSplitter {
  // Bytes up to the chunk's last newline are decoded at once (a newline byte
  // never falls inside a character, in UTF-8 or a single-byte charset) and
  // lines are cut from the text: no Buffer view or decode per line, unless
  // some line cannot be read — then that stretch is cut and decoded line by line.
  #pending: Buffer[] = [];
  #first = true;
  #index = 0;
  #line = 0;
  constructor(
    private readonly sink: RecordSink,
    private readonly decoding: TextDecoding = UTF8,
  ) {}

  push(chunk: Buffer): void {
    const nl = chunk.lastIndexOf(0x0a);
    if (nl < 0) return void this.#pending.push(chunk);
    let start = 0;
    if (this.#pending.length) {
      // Only the line cut across chunks is copied together, not the whole chunk.
      const first = chunk.indexOf(0x0a);
      this.#lines(Buffer.concat([...this.#pending, chunk.subarray(0, first)]));
      start = first + 1;
    }
    this.#pending = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
    if (start <= nl) this.#lines(chunk.subarray(start, nl));
  }

  end(): void {
    const rest = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    if (rest.length) this.#lines(rest);
  }

  /** Whole lines (no newline after the last one). */
  #lines(bytes: Buffer): void {
    const text = this.decoding.whole(bytes);
    if (text !== undefined) {
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        this.#emit(text.slice(start, nl));
        start = nl + 1;
      }
      this.#emit(start ? text.slice(start) : text);
      return;
    }
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      const line = this.decoding.one(bytes.subarray(start, nl < 0 ? bytes.length : nl));
      if (typeof line === 'string') this.#emit(line);
      else {
        this.#first = false;
        this.sink(line, this.#index++, ++this.#line);
      }
      if (nl < 0) return;
      start = nl + 1;
    }
  }

  #emit(raw: string): void {
    this.#line++;
    if (this.#first) {
      if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1); // a byte-order mark
      this.#first = false;
    }
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
  /** The deepest nesting in the current element. */
  #deepest = 0;
  #inString = false;
  #escape = false;
  #pending: Buffer[] = [];
  #index = 0;
  #sawComma = false;
  constructor(
    private readonly sink: RecordSink,
    private readonly decoding: TextDecoding = UTF8,
  ) {}

  push(chunk: Buffer): void {
    let start = this.#state === S.Element ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.#state) {
        case S.Before:
          // Blanks, and a UTF-8 byte-order mark (possibly cut across chunks).
          if (isBlank(b) || b === 0xef || b === 0xbb || b === 0xbf) continue;
          if (b !== OPEN_ARRAY)
            throw new StructureError('expected a JSON array (or NDJSON with Content-Type application/x-ndjson)');
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
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++this.#depth > this.#deepest) this.#deepest = this.#depth;
    } else if (b === CLOSE_OBJECT || (b === CLOSE_ARRAY && this.#depth > 0)) this.#depth--;
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
    const deepest = this.#deepest;
    this.#depth = 0;
    this.#deepest = 0;
    this.#inString = false;
    this.#escape = false;
    const text = this.decoding.one(bytes);
    this.sink(typeof text === 'string' ? text.trim() : text, this.#index++, undefined, deepest);
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
  // V8 writes "<what> in JSON at position N", "<what> after JSON at position N (line L column C)"
  // or "<what>, \"<excerpt>\" is not valid JSON": keep <what>, and the position once.
  const what = message.split(/ in JSON|, "| at position /)[0]!.slice(0, 80);
  return `not valid JSON: ${what}${position ? ` at position ${position}` : ''}`;
}
