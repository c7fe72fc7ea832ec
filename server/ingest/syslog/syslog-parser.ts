// Syslog messages: RFC 5424 parsed strictly, RFC 3164 leniently (real senders
// drop the hostname or write ISO times), anything else kept as text. No
// maintained npm package covers 5424, 3164 and RFC 6587 framing together
// (`glossy` is unmaintained since 2016, `nsyslog-parser` quiet since 2023):
// this small parser is ours, with its tests.
import { parseIsoTime } from '../pipeline/iso-time.ts';

export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164' | 'unknown';
  facility: number | null;
  severity: number | null;
  /** The header's time as written (null when absent). */
  timestampText: string | null;
  /** Epoch ms when the header's time carries a zone; null otherwise (3164 has no year and no zone: never guessed). */
  occurredAt: number | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  /** RFC 5424 structured data: { "id": { "param": "value" } }. */
  structuredData: Record<string, Record<string, string>> | null;
  message: string;
}

const PRI = /^<(\d{1,3})>/;
const NIL = '-';

function header(pri: number) {
  return { facility: pri >> 3, severity: pri & 7 };
}

function nil(token: string | undefined): string | null {
  return token === undefined || token === NIL ? null : token;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads RFC 5424 STRUCTURED-DATA at `text[i]`; returns the elements and the index after them, or null when malformed. */
function structuredData(
  text: string,
  i: number,
): { sd: Record<string, Record<string, string>> | null; end: number } | null {
  if (text[i] === '-') return { sd: null, end: i + 1 };
  const sd: Record<string, Record<string, string>> = {};
  while (text[i] === '[') {
    i++;
    const idEnd = text.slice(i).search(/[ \]]/);
    if (idEnd <= 0) return null;
    const id = text.slice(i, i + idEnd);
    i += idEnd;
    const params: Record<string, string> = {};
    while (text[i] === ' ') {
      i++;
      const eq = text.indexOf('=', i);
      if (eq < 0 || text[eq + 1] !== '"') return null;
      const name = text.slice(i, eq);
      if (!/^[^\s="\]]{1,32}$/.test(name)) return null;
      i = eq + 2;
      let value = '';
      for (;;) {
        const c = text[i];
        if (c === undefined) return null;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      params[name] = value;
    }
    if (text[i] !== ']') return null;
    i++;
    sd[id] = params;
  }
  return Object.keys(sd).length ? { sd, end: i } : null;
}

const RFC5424_HEAD = /^<(\d{1,3})>([1-9]\d?) (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;

function parse5424(line: string): SyslogMessage | null {
  const m = RFC5424_HEAD.exec(line);
  if (!m) return null;
  const pri = Number(m[1]);
  if (pri > 191) return null;
  const ts = m[3]!;
  let occurredAt: number | null = null;
  if (ts !== NIL) {
    const t = parseIsoTime(ts);
    if (typeof t !== 'number') return null;
    occurredAt = t;
  }
  const sd = structuredData(line, m[0].length);
  if (!sd) return null;
  const rest = line.slice(sd.end);
  if (rest !== '' && rest[0] !== ' ') return null;
  return {
    format: 'rfc5424',
    ...header(pri),
    timestampText: nil(ts),
    occurredAt,
    hostname: nil(m[4]),
    appName: nil(m[5]),
    procId: nil(m[6]),
    msgId: nil(m[7]),
    structuredData: sd.sd,
    // Senders relaying a 3164 message write MSG after one more space (rsyslog's `%msg%` keeps it): not part of the text.
    message: stripBom(rest.slice(1)).replace(/^ +/, ''),
  };
}

const BSD_TIME = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) /;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) /;
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]\s]{1,128})\])?:(?: |$)/;

function parse3164(line: string): SyslogMessage | null {
  const p = PRI.exec(line);
  if (!p || Number(p[1]) > 191) return null;
  let rest = line.slice(p[0].length);
  let timestampText: string | null = null;
  let occurredAt: number | null = null;
  const bsd = BSD_TIME.exec(rest);
  const iso = bsd ? null : ISO_TIME.exec(rest);
  if (bsd) timestampText = bsd[1]!;
  else if (iso) {
    timestampText = iso[1]!;
    const t = parseIsoTime(timestampText);
    occurredAt = typeof t === 'number' ? t : null;
  }
  if (timestampText) rest = rest.slice(timestampText.length + 1);
  // HOSTNAME TAG: MSG, or TAG: MSG when the sender left the hostname out.
  let hostname: string | null = null;
  let tag = TAG.exec(rest);
  if (!tag && timestampText) {
    const host = /^(\S{1,255}) /.exec(rest);
    if (host) {
      hostname = host[1]!;
      rest = rest.slice(host[0].length);
      tag = TAG.exec(rest);
    }
  }
  if (tag) rest = rest.slice(tag[0].length);
  return {
    format: 'rfc3164',
    ...header(Number(p[1])),
    timestampText,
    occurredAt,
    hostname,
    appName: tag?.[1] ?? null,
    procId: tag?.[2] ?? null,
    msgId: null,
    structuredData: null,
    message: stripBom(rest),
  };
}

/**
 * A syslog line (one frame, without its delimiter; a line end left inside an
 * octet-counted frame or a datagram is dropped). Never throws: what is not
 * syslog is kept as text.
 */
export function parseSyslog(frame: string): SyslogMessage {
  let end = frame.length;
  while (end > 0 && (frame.charCodeAt(end - 1) === 0x0a || frame.charCodeAt(end - 1) === 0x0d)) end--; // a loop, not /[\r\n]+$/ (quadratic on a frame of newlines)
  const line = end === frame.length ? frame : frame.slice(0, end);
  return parse5424(line) ?? parse3164(line) ?? rawSyslog(line);
}

/** A line kept as text, unparsed. */
export function rawSyslog(line: string): SyslogMessage {
  return {
    format: 'unknown',
    facility: null,
    severity: null,
    timestampText: null,
    occurredAt: null,
    hostname: null,
    appName: null,
    procId: null,
    msgId: null,
    structuredData: null,
    message: stripBom(line),
  };
}
