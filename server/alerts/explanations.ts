// An alert's explanation as stored: a message key and its language-neutral
// parameters (names, codes, ISO times, counts), rendered in French and English
// when the alert is read. A rule's current template applies to its old alerts,
// and a third language needs no migration. The keys a tool or a staff report
// raise are rendered here; a detection rule's (`rule.<id>`) by the renderer the
// composition root passes in (server/detection/explain.ts).

export type Lang = 'fr' | 'en';

export interface ExplanationText {
  fr: string;
  en: string;
}

export interface Explanation {
  key: string;
  /** JSON values only: stored as they are, the patient already masked (alert-masking.ts). */
  params: Record<string, unknown>;
}

/** Renders the keys another module owns (`rule.<id>`); undefined for a key it does not know. */
export type ExplanationRenderer = (explanation: Explanation) => ExplanationText | undefined;

export const EXPLANATION_KEYS = {
  /** Text rendered when the alert was raised, before explanations were stored as keys (migration 0014). */
  legacy: 'legacy.text',
  generic: 'tool.generic',
  wazuh: 'tool.wazuh',
  suricata: 'tool.suricata',
  report: 'report.staff',
} as const;

export const RULE_KEY_PREFIX = 'rule.';

export const ruleExplanationKey = (ruleId: string) => `${RULE_KEY_PREFIX}${ruleId}`;

export function legacyExplanation(text: ExplanationText): Explanation {
  return { key: EXPLANATION_KEYS.legacy, params: { fr: text.fr, en: text.en } };
}

export interface GenericFacts {
  tool: string;
  title: string;
  host: string | null;
  description: string | null;
}

export interface WazuhFacts {
  ruleId: string;
  level: number;
  description: string;
  /** The agent as shown: its name, with its address when it differs. */
  agent: string | null;
  from: string | null;
  account: string | null;
}

export interface SuricataFacts {
  signature: string;
  category: string | null;
  /** "ip:port" ends of the flow ("?" when unknown). */
  source: string;
  destination: string;
  proto: string | null;
  appProto: string | null;
  blocked: boolean;
}

export interface ReportFacts {
  reporter: string;
  summary: string;
  urgent: boolean;
}

export const genericExplanation = (facts: GenericFacts): Explanation => ({
  key: EXPLANATION_KEYS.generic,
  params: { ...facts },
});
export const wazuhExplanation = (facts: WazuhFacts): Explanation => ({
  key: EXPLANATION_KEYS.wazuh,
  params: { ...facts },
});
export const suricataExplanation = (facts: SuricataFacts): Explanation => ({
  key: EXPLANATION_KEYS.suricata,
  params: { ...facts },
});

// Stored params are read back from JSON: each renderer takes what it finds, never trusts a type.
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
const optional = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : text(v) || null);

type Message = (p: Record<string, unknown>) => ExplanationText;

const MESSAGES = new Map<string, Message>(
  Object.entries({
    [EXPLANATION_KEYS.legacy]: (p) => ({ fr: text(p.fr), en: text(p.en) }),
    [EXPLANATION_KEYS.generic]: (p) => {
      const host = optional(p.host);
      const extra = optional(p.description) ? ` ${text(p.description)}` : '';
      return {
        fr: `${text(p.tool)} signale « ${text(p.title)} »${host ? ` sur ${host}` : ''}.${extra}`,
        en: `${text(p.tool)} reports "${text(p.title)}"${host ? ` on ${host}` : ''}.${extra}`,
      };
    },
    [EXPLANATION_KEYS.wazuh]: (p) => {
      const agent = optional(p.agent);
      const from = optional(p.from);
      const account = optional(p.account);
      return {
        fr: `Wazuh (règle ${text(p.ruleId)}, niveau ${text(p.level)}) : ${text(p.description)}${agent ? ` — agent ${agent}` : ''}${from ? `, depuis ${from}` : ''}${account ? `, compte ${account}` : ''}.`,
        en: `Wazuh (rule ${text(p.ruleId)}, level ${text(p.level)}): ${text(p.description)}${agent ? ` — agent ${agent}` : ''}${from ? `, from ${from}` : ''}${account ? `, account ${account}` : ''}.`,
      };
    },
    [EXPLANATION_KEYS.suricata]: (p) => {
      const category = optional(p.category) ? ` [${text(p.category)}]` : '';
      const app = optional(p.appProto);
      const proto = optional(p.proto) ? ` (${text(p.proto)}${app && app !== 'failed' ? `/${app}` : ''})` : '';
      const blocked = p.blocked === true;
      return {
        fr: `Suricata : ${text(p.signature)}${category}, de ${text(p.source)} vers ${text(p.destination)}${proto}, trafic ${blocked ? 'bloqué' : 'laissé passer'}.`,
        en: `Suricata: ${text(p.signature)}${category}, from ${text(p.source)} to ${text(p.destination)}${proto}, traffic ${blocked ? 'blocked' : 'allowed'}.`,
      };
    },
    [EXPLANATION_KEYS.report]: (p) => ({
      fr: `Signalement de ${text(p.reporter)} : ${text(p.summary)}${p.urgent === true ? ' (signalé comme urgent)' : ''}`,
      en: `Report from ${text(p.reporter)}: ${text(p.summary)}${p.urgent === true ? ' (marked urgent)' : ''}`,
    }),
  } satisfies Record<string, Message>),
);

/** "name: value, name: value" — what an explanation says when its message is gone. */
export function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length))
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.map(text).join(', ') : typeof v === 'object' ? JSON.stringify(v) : text(v)}`,
    )
    .join('; ');
}

function fallback(e: Explanation): ExplanationText {
  const facts = describeParams(e.params);
  return { fr: `${e.key}${facts ? ` — ${facts}` : ''}`, en: `${e.key}${facts ? ` — ${facts}` : ''}` };
}

/** The stored column's JSON as an explanation; anything else reads as an empty one, never an error. */
export function parseExplanation(stored: string): Explanation {
  try {
    const v = JSON.parse(stored) as unknown;
    if (v && typeof v === 'object' && typeof (v as Explanation).key === 'string') {
      const params = (v as Explanation).params;
      return {
        key: (v as Explanation).key,
        params: params && typeof params === 'object' && !Array.isArray(params) ? params : {},
      };
    }
  } catch {
    // fall through
  }
  return { key: 'unreadable', params: {} };
}

/**
 * The explanation in French and English: this module's messages, then the
 * other modules' (`others`), then the key and its params. Never throws: an
 * alert always reads as something.
 */
export function renderExplanation(explanation: Explanation, others?: ExplanationRenderer): ExplanationText {
  try {
    const own = MESSAGES.get(explanation.key);
    if (own) return own(explanation.params);
    const rendered = others?.(explanation);
    if (rendered) return rendered;
  } catch {
    // A stored row the renderer cannot read: shown as its facts below.
  }
  return fallback(explanation);
}
