// What a syslog line carries: an access event (our JSON record), a known
// alert (Wazuh, Suricata, the generic format) — possibly after an `@cee:`
// cookie — or anything else, kept as a raw system event. A JSON record that
// is refused is kept raw too, with the reason: nothing is dropped.
import { validateAccessEvent, type ValidAccessEvent } from '../access-event.validate.ts';
import { mapGenericAlert } from '../tools/generic.ts';
import { looksLikeSuricata, mapSuricataAlert } from '../tools/suricata.ts';
import type { ToolAlert } from '../tools/tool-alert.ts';
import { looksLikeWazuh, mapWazuhAlert } from '../tools/wazuh.ts';
import type { SyslogMessage } from './syslog.parser.ts';

export type SyslogContent = { kind: 'event'; event: ValidAccessEvent } | { kind: 'alert'; alert: ToolAlert } | { kind: 'system'; refused?: string };

function jsonPayload(message: string): Record<string, unknown> | undefined {
  let text = message.trim();
  if (text.startsWith('@cee:')) text = text.slice(5).trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function classifySyslog(msg: SyslogMessage): SyslogContent {
  const json = jsonPayload(msg.message);
  if (!json) return { kind: 'system' };
  let result: ToolAlert | ValidAccessEvent | string | undefined;
  let kind: 'event' | 'alert' = 'alert';
  if (looksLikeWazuh(json)) result = mapWazuhAlert(json);
  else if (looksLikeSuricata(json)) result = mapSuricataAlert(json);
  else if ('tool' in json && 'severity' in json && 'title' in json) result = mapGenericAlert(json, 'syslog');
  else if ('action' in json && 'time' in json) {
    kind = 'event';
    result = validateAccessEvent(json);
  }
  if (result === undefined) return { kind: 'system' };
  if (typeof result === 'string') return { kind: 'system', refused: `${kind === 'event' ? 'access event' : 'alert'} refused: ${result}` };
  return kind === 'event' ? { kind: 'event', event: result as ValidAccessEvent } : { kind: 'alert', alert: result as ToolAlert };
}
