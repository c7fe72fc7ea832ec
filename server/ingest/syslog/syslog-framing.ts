// RFC 6587 TCP framing, told apart per frame by its first byte: octet
// counting (`LEN SP MSG`, LEN starts with a digit) or newline-terminated
// (a frame starting with `<`). Frames are bounded: an oversized one is
// skipped (its declared bytes, or up to the next newline) and reported,
// so a slow or endless frame never holds more than `maxFrame` bytes.

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;

type State =
  | { kind: 'start' }
  | { kind: 'count'; digits: string }
  | { kind: 'octets'; left: number; parts: Buffer[] }
  | { kind: 'line'; parts: Buffer[]; size: number }
  | { kind: 'skipLine' }
  | { kind: 'skipOctets'; left: number };

export class FrameDecoder {
  #state: State = { kind: 'start' };
  constructor(
    private readonly maxFrame: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onOversize: (size: number | null) => void,
  ) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      const s = this.#state;
      switch (s.kind) {
        case 'start': {
          const b = chunk[i]!;
          if (b === LF || b === CR || b === 0) i++;
          else if (b >= 0x31 && b <= 0x39) this.#state = { kind: 'count', digits: '' };
          else this.#state = { kind: 'line', parts: [], size: 0 };
          break;
        }
        case 'count': {
          const b = chunk[i]!;
          if (b >= 0x30 && b <= 0x39 && s.digits.length < 10) {
            s.digits += String.fromCharCode(b);
            i++;
          } else if (b === SP && s.digits.length) {
            i++;
            const n = Number(s.digits);
            if (n > this.maxFrame) {
              this.onOversize(n);
              this.#state = { kind: 'skipOctets', left: n };
            } else this.#state = { kind: 'octets', left: n, parts: [] };
          } else {
            // Not an octet count after all: the digits start a newline-terminated frame.
            const head = Buffer.from(s.digits);
            this.#state = { kind: 'line', parts: [head], size: head.length };
          }
          break;
        }
        case 'octets': {
          const take = Math.min(s.left, chunk.length - i);
          s.parts.push(chunk.subarray(i, i + take));
          s.left -= take;
          i += take;
          if (s.left === 0) {
            this.#state = { kind: 'start' };
            this.#emit(Buffer.concat(s.parts));
          }
          break;
        }
        case 'skipOctets': {
          const take = Math.min(s.left, chunk.length - i);
          s.left -= take;
          i += take;
          if (s.left === 0) this.#state = { kind: 'start' };
          break;
        }
        case 'line': {
          const nl = chunk.indexOf(LF, i);
          const end = nl === -1 ? chunk.length : nl;
          s.size += end - i;
          if (s.size > this.maxFrame) {
            this.onOversize(null);
            this.#state = nl === -1 ? { kind: 'skipLine' } : { kind: 'start' };
            i = nl === -1 ? chunk.length : nl + 1;
            break;
          }
          s.parts.push(chunk.subarray(i, end));
          i = end;
          if (nl !== -1) {
            i++;
            this.#state = { kind: 'start' };
            let frame = Buffer.concat(s.parts);
            if (frame[frame.length - 1] === CR) frame = frame.subarray(0, -1);
            this.#emit(frame);
          }
          break;
        }
        case 'skipLine': {
          const nl = chunk.indexOf(LF, i);
          if (nl === -1) i = chunk.length;
          else {
            i = nl + 1;
            this.#state = { kind: 'start' };
          }
          break;
        }
      }
    }
  }

  /** At the end of the connection: a newline frame without its final newline still counts. */
  end(): void {
    const s = this.#state;
    if (s.kind === 'line' && s.size > 0) this.#emit(Buffer.concat(s.parts));
    this.#state = { kind: 'start' };
  }

  #emit(frame: Buffer): void {
    if (frame.length) this.onFrame(frame);
  }
}
