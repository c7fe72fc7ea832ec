import { describe, expect, it } from 'vitest';
import { futureLimit } from '../../../server/ingest/pipeline/iso-time.ts';
import { FrameDecoder } from '../../../server/ingest/syslog/syslog-framing.ts';
import { classifySyslog, readSyslogLine } from '../../../server/ingest/syslog/syslog-mapper.ts';
import { parseSyslog } from '../../../server/ingest/syslog/syslog-parser.ts';
import { eventRecord } from './helpers.ts';
import { suricataAlert, wazuhAlert } from './tool-examples.ts';

describe('parseSyslog', () => {
  it('reads the RFC 5424 examples: header, nil fields, structured data with escapes, BOM', () => {
    expect(
      parseSyslog(
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
      ),
    ).toEqual({
      format: 'rfc5424',
      facility: 4,
      severity: 2,
      timestampText: '2003-10-11T22:14:15.003Z',
      occurredAt: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      hostname: 'mymachine.example.com',
      appName: 'su',
      procId: null,
      msgId: 'ID47',
      structuredData: null,
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    const sd = parseSyslog(
      '<165>1 2003-10-11T22:14:15.003-07:00 host app 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App\\"lic]ation" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event',
    );
    expect(sd).toMatchObject({
      facility: 20,
      severity: 5,
      occurredAt: Date.UTC(2003, 9, 12, 5, 14, 15, 3),
      procId: '1234',
      structuredData: {
        'exampleSDID@32473': { iut: '3', eventSource: 'App"lic]ation', eventID: '1011' },
        'examplePriority@32473': { class: 'high' },
      },
      message: 'An application event',
    });
    expect(parseSyslog('<13>1 - - - - - -')).toMatchObject({
      format: 'rfc5424',
      timestampText: null,
      occurredAt: null,
      message: '',
    });
  });

  it('reads RFC 3164 leniently and never guesses a year or zone it does not have', () => {
    expect(parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toMatchObject({
      format: 'rfc3164',
      facility: 4,
      severity: 2,
      timestampText: 'Oct 11 22:14:15',
      occurredAt: null,
      hostname: 'mymachine',
      appName: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(parseSyslog('<13>Nov  8 09:01:02 sshd[2781]: Accepted publickey')).toMatchObject({
      timestampText: 'Nov  8 09:01:02',
      hostname: null,
      appName: 'sshd',
      procId: '2781',
      message: 'Accepted publickey',
    });
    expect(parseSyslog('<13>2026-11-28T14:26:16+01:00 host app: m')).toMatchObject({
      format: 'rfc3164',
      occurredAt: Date.UTC(2026, 10, 28, 13, 26, 16),
      hostname: 'host',
      appName: 'app',
      message: 'm',
    });
    expect(parseSyslog('<13>just words')).toMatchObject({
      format: 'rfc3164',
      timestampText: null,
      message: 'just words',
    });
    expect(parseSyslog('no header at all')).toMatchObject({
      format: 'unknown',
      facility: null,
      message: 'no header at all',
    });
    expect(parseSyslog('<999>1 x')).toMatchObject({ format: 'unknown' });
  });
});

describe('FrameDecoder (RFC 6587)', () => {
  function decode(input: Buffer, size: number, maxFrame = 100) {
    const frames: string[] = [];
    const oversize: (number | null)[] = [];
    const d = new FrameDecoder(
      maxFrame,
      (f) => frames.push(f.toString()),
      (n) => oversize.push(n),
    );
    for (let i = 0; i < input.length; i += size) d.push(input.subarray(i, i + size));
    d.end();
    return { frames, oversize };
  }

  it('tells octet counting from newline framing frame by frame, whatever the chunk cuts', () => {
    const input = Buffer.from('17 <13>1 - - - - - -<14>newline frame\r\n5 hello3 abc<15>last');
    for (const size of [1, 2, 5, 1000]) {
      expect(decode(input, size).frames).toEqual([
        '<13>1 - - - - - -',
        '<14>newline frame',
        'hello',
        'abc',
        '<15>last',
      ]);
    }
  });

  it('skips an oversized frame (declared or endless) and goes on with the next one', () => {
    const long = 'x'.repeat(150);
    const r = decode(Buffer.from(`150 ${long}<13>a line ${long}\n<13>ok\n9 <13>after`), 7);
    expect(r.frames).toEqual(['<13>ok', '<13>after']);
    expect(r.oversize).toEqual([150, null]);
  });
});

describe('classifySyslog', () => {
  const msg = (message: string) => classifySyslog({ ...parseSyslog('<13>1 - - - - - -'), message });
  it('maps JSON access events and known alerts, and keeps the rest raw with the reason of a refusal', () => {
    expect(msg(JSON.stringify(eventRecord(1)))).toMatchObject({
      kind: 'event',
      event: { userId: 'u1001', action: 'read' },
    });
    expect(msg(`@cee: ${JSON.stringify(eventRecord(2))}`)).toMatchObject({ kind: 'event' });
    expect(msg(JSON.stringify(wazuhAlert))).toMatchObject({
      kind: 'alert',
      alert: { origin: 'wazuh', rule: 'wazuh:5712' },
    });
    expect(msg(JSON.stringify(suricataAlert))).toMatchObject({ kind: 'alert', alert: { origin: 'suricata' } });
    expect(msg(JSON.stringify({ ...eventRecord(3), action: 'peek' }))).toEqual({
      kind: 'system',
      refused: expect.stringMatching(/^access event refused: action:/),
    });
    expect(msg('Accepted publickey for root')).toEqual({ kind: 'system' });
    expect(msg('{"some":"json"}')).toEqual({ kind: 'system' });
  });
});

describe('hostile and odd syslog lines', () => {
  const deep = '['.repeat(10_000) + ']'.repeat(10_000);
  const limit = futureLimit(Date.UTC(2026, 10, 28, 14, 0), 60);

  it('RFC 5424: MSG without the extra leading space relays write, nor a line end left in the frame', () => {
    expect(parseSyslog('<13>1 2026-11-28T14:00:00Z host app - - -  relayed message\n')).toMatchObject({
      format: 'rfc5424',
      message: 'relayed message',
    });
    expect(parseSyslog('<13>1 2026-11-28T14:00:00Z host app - - [a@1 b="c"]\r\n')).toMatchObject({
      format: 'rfc5424',
      structuredData: { 'a@1': { b: 'c' } },
      message: '',
    });
    expect(parseSyslog('<13>Nov 28 14:00:00 host sshd[1]: words\n').message).toBe('words');
    // A frame of newlines is cut in linear time (a /[\r\n]+$/ would be quadratic here).
    expect(
      parseSyslog('<13>1 - - - - - - x' + '\n'.repeat(1) + 'y'.repeat(10) + '\n\r'.repeat(30_000) + 'z').message,
    ).toMatch(/z$/);
  });

  it('refuses a Wazuh-shaped line nested 10,000 deep before parsing it, kept raw with the reason', () => {
    const line = `<13>1 2026-11-28T13:26:16Z srv wazuh - - - ${JSON.stringify(wazuhAlert).replace(/}$/, `,"data":{"nested":${deep}}}`)}`;
    expect(line.length).toBeGreaterThan(20_000);
    const { msg, content } = readSyslogLine(line, limit);
    expect(content).toEqual({
      kind: 'system',
      refused: 'JSON payload refused before parsing: nested deeper than 64 levels of arrays and objects',
    });
    expect(msg).toMatchObject({ format: 'rfc5424', appName: 'wazuh' });
  });

  it('refuses a mapped event, an alert or a header time too far in the future', () => {
    const event = readSyslogLine(
      `<13>1 - - - - - - ${JSON.stringify(eventRecord(1, { time: '9999-01-01T00:00:00Z' }))}`,
      limit,
    );
    expect(event.content).toEqual({
      kind: 'system',
      refused: expect.stringMatching(/^access event refused: time: more than 60 minutes in the future/),
    });
    const alert = readSyslogLine(
      `<13>1 - - - - - - ${JSON.stringify({ ...wazuhAlert, timestamp: '9999-01-01T00:00:00.000+0000' })}`,
      limit,
    );
    expect(alert.content).toEqual({
      kind: 'system',
      refused: expect.stringMatching(/^alert refused: timestamp: more than 60 minutes in the future/),
    });
    const header = readSyslogLine('<13>1 9999-01-01T00:00:00Z host app - - - words', limit);
    expect(header).toEqual({
      msg: expect.objectContaining({ occurredAt: null, timestampText: '9999-01-01T00:00:00Z' }),
      content: { kind: 'system', refused: expect.stringMatching(/^syslog header time: more than 60 minutes/) },
    });
    expect(readSyslogLine('<13>1 2026-11-28T14:30:00Z host app - - - words', limit).content).toEqual({
      kind: 'system',
    });
  });

  it('keeps a Suricata non-alert event as a plain system event, not a refusal', () => {
    expect(
      readSyslogLine(
        `<13>1 - - suricata - - - ${JSON.stringify({ ...suricataAlert, event_type: 'flow', alert: {} })}`,
        limit,
      ).content,
    ).toEqual({ kind: 'system' });
  });
});
