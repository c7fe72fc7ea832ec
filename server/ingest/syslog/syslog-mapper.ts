// What a syslog line carries: an access event (our JSON record), a known
// alert (Wazuh, Suricata, the generic format) — possibly after an `@cee:`
// cookie — or anything else, kept as a raw system event. A JSON record that
// is refused is kept raw too, with the reason: nothing is dropped. A JSON
// payload nested too deep is refused before it is parsed, and a mapper that
// throws refuses its line alone (the listener also guards the whole step).
import { validateAccessEvent, type ValidAccessEvent } from '../pipeline/access-event-validation.ts';
import { futureProblem, type FutureLimit } from '../pipeline/iso-time.ts';
import { jsonTooDeep, TOO_DEEP_MESSAGE } from '../pipeline/json-bounds.ts';
import { mapGenericAlert } from '../tools/generic.ts';
import { looksLikeSuricata, mapSuricataAlert } from '../tools/suricata.ts';
import { isSkip, mapperFailure, type ToolAlert } from '../tools/tool-alert.ts';
import { looksLikeWazuh, mapWazuhAlert } from '../tools/wazuh.ts';
import { parseSyslog, rawSyslog, type SyslogMessage } from './syslog-parser.ts';

export type SyslogContent =
  | { kind: 'event'; event: ValidAccessEvent }
  | { kind: 'alert'; alert: ToolAlert }
  | { kind: 'system'; refused?: string };

const TOO_DEEP = Symbol('too deep');

function jsonPayload(message: string): Record<string, unknown> | typeof TOO_DEEP | undefined {
  let text = message.trim();
  if (text.startsWith('@cee:')) text = text.slice(5).trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  if (jsonTooDeep(text)) return TOO_DEEP;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What the line carries; `limit` bounds the mapped event's or alert's time in the future. */
export function classifySyslog(msg: SyslogMessage, limit?: FutureLimit): SyslogContent {
  const json = jsonPayload(msg.message);
  if (!json) return { kind: 'system' };
  if (json === TOO_DEEP) return { kind: 'system', refused: `JSON payload refused before parsing: ${TOO_DEEP_MESSAGE}` };
  let result: ReturnType<typeof mapWazuhAlert> | ValidAccessEvent | undefined;
  let kind: 'event' | 'alert' = 'alert';
  try {
    if (looksLikeWazuh(json)) result = mapWazuhAlert(json, limit);
    else if (looksLikeSuricata(json)) result = mapSuricataAlert(json, limit);
    else if ('tool' in json && 'severity' in json && 'title' in json) result = mapGenericAlert(json, 'syslog', limit);
    else if ('action' in json && 'time' in json) {
      kind = 'event';
      result = validateAccessEvent(json, limit);
    }
  } catch (error) {
    result = mapperFailure(error);
  }
  // A skipped record (a Suricata flow, dns… event) is kept as a plain system event, not refused.
  if (result === undefined || isSkip(result)) return { kind: 'system' };
  if (typeof result === 'string')
    return { kind: 'system', refused: `${kind === 'event' ? 'access event' : 'alert'} refused: ${result}` };
  return kind === 'event'
    ? { kind: 'event', event: result as ValidAccessEvent }
    : { kind: 'alert', alert: result as ToolAlert };
}

/**
 * One received line, parsed and classified. Never throws: a line whose reading
 * fails is kept raw with the reason, so one bad line never fails its batch. A
 * header time too far in the future is not kept as the line's time.
 */
export function readSyslogLine(raw: string, limit?: FutureLimit): { msg: SyslogMessage; content: SyslogContent } {
  let msg: SyslogMessage | undefined;
  try {
    msg = parseSyslog(raw);
    const content = classifySyslog(msg, limit);
    const future = msg.occurredAt === null ? undefined : futureProblem(msg.occurredAt, limit);
    if (content.kind === 'system' && future)
      return {
        msg: { ...msg, occurredAt: null },
        content: { kind: 'system', refused: content.refused ?? `syslog header time: ${future}` },
      };
    return { msg, content };
  } catch (error) {
    return { msg: msg ?? rawSyslog(raw), content: { kind: 'system', refused: `line ${mapperFailure(error)}` } };
  }
}
