// Plain-language explanations: a rule's template with named placeholders.
// A hit stores the facts (ruleExplanation); the template is filled in French
// and English when the alert is read (createRuleExplainer). The patient
// appears only masked.
import {
  ruleExplanationKey,
  RULE_KEY_PREFIX,
  type Explanation,
  type ExplanationRenderer,
} from '../alerts/explanations.ts';
import { formatParis } from '../paris-time.ts';
import { maskIdentifiersIn, maskPatientId } from '../privacy.ts';
import type { EvalContext } from './context.ts';

export const PLACEHOLDERS = [
  'user',
  'userId',
  'department',
  'profession',
  'patient',
  'action',
  'activity',
  'time',
  'date',
  'workstation',
  'address',
  'facts',
  'count',
  'threshold',
  'window',
  'baseline',
  'departmentBaseline',
  'reason',
  'idleDays',
  'lastActivity',
  'endDate',
  'deathDate',
  'daysSinceDeath',
  'previousWorkstation',
  'previousSite',
  'site',
  'distanceKm',
  'minutes',
  'usualHours',
  'colleagueDepartment',
] as const;

export type Lang = 'fr' | 'en';

const ACTIONS: Record<Lang, Record<string, string>> = {
  fr: {
    read: 'consulté',
    update: 'modifié',
    create: 'créé',
    delete: 'supprimé',
    print: 'imprimé',
    export: 'exporté',
    break_glass: 'ouvert en bris de glace',
    login: 'ouvert une session sur',
    logout: 'fermé une session sur',
    login_failed: 'échoué à se connecter sur',
  },
  en: {
    read: 'opened',
    update: 'modified',
    create: 'created',
    delete: 'deleted',
    print: 'printed',
    export: 'exported',
    break_glass: 'opened by break-the-glass',
    login: 'logged in to',
    logout: 'logged out of',
    login_failed: 'failed to log in to',
  },
};

export function formatWindow(ms: number, lang: Lang): string {
  if (ms % 86_400_000 === 0)
    return lang === 'fr' ? `${ms / 86_400_000} j` : `${ms / 86_400_000} ${ms === 86_400_000 ? 'day' : 'days'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** "consulté le dossier du patient •••23", "ouvert une session": the action with its object. */
function activity(action: string, patient: string | null, lang: Lang): string {
  const fr = lang === 'fr';
  switch (action) {
    case 'login':
      return fr ? 'ouvert une session' : 'logged in';
    case 'logout':
      return fr ? 'fermé sa session' : 'logged out';
    case 'login_failed':
      return fr ? 'échoué à se connecter' : 'failed to log in';
    default: {
      const verb = ACTIONS[lang][action] ?? action;
      if (!patient) return verb;
      return fr ? `${verb} le dossier du patient ${patient}` : `${verb} the record of patient ${patient}`;
    }
  }
}

/** What links the user to the patient, as codes (the `facts` placeholder), in the order they are said. */
export const FACTS: Record<string, Record<Lang, string>> = {
  self: { fr: 'qui est son propre dossier', en: 'which is their own record' },
  'relative-address': {
    fr: 'qui porte le même nom et habite à la même adresse',
    en: 'who has the same name and lives at the same address',
  },
  'relative-birth-name': {
    fr: 'liée par le nom de naissance (même nom de famille ou de naissance)',
    en: 'linked by birth name (the same family or birth name)',
  },
  'neighbour-address': { fr: 'qui habite à la même adresse', en: 'who lives at the same address' },
  'neighbour-street': { fr: 'qui habite dans la même rue', en: 'who lives in the same street' },
  'colleague-department': { fr: 'qui travaille dans le même service', en: 'who works in the same department' },
  colleague: { fr: 'qui fait partie du personnel', en: 'who is a member of staff' },
  vip: { fr: 'patient signalé VIP', en: 'a patient flagged VIP' },
};

function factCodes(c: EvalContext): string[] {
  const r = c.relations();
  const codes: string[] = [];
  if (r.samePerson) codes.push('self');
  if (r.relative) codes.push(r.sameAddress ? 'relative-address' : 'relative-birth-name');
  else if (r.neighbour) codes.push(r.sameAddress ? 'neighbour-address' : 'neighbour-street');
  if (r.colleague) codes.push(r.sameDepartment ? 'colleague-department' : 'colleague');
  if (c.patient?.vip) codes.push('vip');
  return codes;
}

function factsText(codes: unknown, lang: Lang): string {
  const fr = lang === 'fr';
  const parts = (Array.isArray(codes) ? codes : []).map((code) => FACTS[String(code)]?.[lang] ?? String(code));
  if (!parts.length) return fr ? 'sans lien connu' : 'with no known link';
  return parts.join(fr ? ' et ' : ' and ');
}

/** The access's stated reason, trimmed and with the patient masked; null when none was given. */
function reasonOf(c: EvalContext): string | null {
  let reason: unknown;
  if (c.ev.context) {
    try {
      const ctx = JSON.parse(c.ev.context) as Record<string, unknown>;
      reason = ctx.reason ?? ctx.justification ?? ctx.motif;
    } catch {
      reason = undefined;
    }
  }
  if (typeof reason !== 'string' || !reason.trim()) return null;
  const text = reason.trim().slice(0, 200);
  return c.ev.patientId ? (maskIdentifiersIn(text, [c.ev.patientId]) as string) : text;
}

/** The count facts of a hit: count, threshold, window and baselines (null: no baseline yet). */
export interface CountFacts {
  count: number;
  threshold: number;
  windowMs: number;
  baseline?: number | null;
  departmentBaseline?: number | null;
}

/**
 * A hit's explanation as stored: the rule's key and the facts its template may
 * use, language-neutral (names, codes, an ISO time, numbers) and the patient
 * masked. Rendered at read time by `createRuleExplainer`, from the rule's
 * template as it is then.
 */
export function ruleExplanation(ruleId: string, c: EvalContext, counted?: CountFacts): Explanation {
  const u = c.user;
  const colleague = c.patient?.staffId ? c.dir.staff.get(c.patient.staffId) : undefined;
  // Values the conditions found (idle days, distance…): already plain numbers and dates.
  const { previousEventId: _omit, ...found } = c.values;
  return {
    key: ruleExplanationKey(ruleId),
    params: {
      user: u?.displayName || null,
      userId: c.ev.userId,
      department: u?.department ?? c.ev.department ?? null,
      profession: u?.profession ?? null,
      patient: maskPatientId(c.ev.patientId),
      action: c.ev.action,
      time: new Date(c.ev.occurredAt).toISOString(),
      workstation: c.ev.workstation,
      address: c.ev.address,
      facts: factCodes(c),
      reason: reasonOf(c),
      colleagueDepartment: colleague?.department ?? null,
      ...found,
      ...counted,
    },
  };
}

const shown = (v: unknown): string | number =>
  typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? v : '—';

/** Every placeholder's value for these stored facts, in one language. */
export function placeholderValues(p: Record<string, unknown>, lang: Lang): Record<string, string | number> {
  const fr = lang === 'fr';
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const userId = str(p.userId);
  const patient = str(p.patient);
  const action = str(p.action) ?? '—';
  const at = typeof p.time === 'string' ? Date.parse(p.time) : NaN;
  const time = Number.isFinite(at) ? formatParis(at) : '—';
  const values: Record<string, string | number> = {};
  // The facts conditions found and the counts, as they are (`window` is said in words below).
  for (const [name, v] of Object.entries(p))
    if (typeof v === 'number' || typeof v === 'string' || v === null) values[name] = shown(v);
  const reason = str(p.reason);
  return {
    ...values,
    user:
      str(p.user) ??
      (userId ? (fr ? `le compte ${userId}` : `account ${userId}`) : fr ? 'un compte inconnu' : 'an unknown account'),
    userId: userId ?? '—',
    department: str(p.department) ?? (fr ? 'service inconnu' : 'unknown department'),
    profession: str(p.profession) ?? '—',
    patient: patient ?? '—',
    action: ACTIONS[lang][action] ?? action,
    activity: activity(action, patient, lang),
    time,
    date: time.slice(0, 10),
    workstation: str(p.workstation) ?? '—',
    address: str(p.address) ?? '—',
    facts: factsText(p.facts, lang),
    reason: reason ? `« ${reason} »` : fr ? 'aucun motif donné' : 'no reason given',
    colleagueDepartment: str(p.colleagueDepartment) ?? '—',
    ...(typeof p.windowMs === 'number' ? { window: formatWindow(p.windowMs, lang) } : {}),
  };
}

/** A rule's template filled with an alert's stored facts, in French and English. */
export function renderRuleExplanation(
  template: { fr: string; en: string },
  params: Record<string, unknown>,
): { fr: string; en: string } {
  return {
    fr: render(template.fr, placeholderValues(params, 'fr')),
    en: render(template.en, placeholderValues(params, 'en')),
  };
}

/**
 * The renderer of `rule.<id>` explanations the alerts module is given: the
 * rule's current template (`templateOf`), or, for a rule no longer there,
 * its id and the facts in words. Never throws.
 */
export function createRuleExplainer(
  templateOf: (ruleId: string) => { fr: string; en: string } | undefined,
): ExplanationRenderer {
  return (e) => {
    if (!e.key.startsWith(RULE_KEY_PREFIX)) return undefined;
    const ruleId = e.key.slice(RULE_KEY_PREFIX.length);
    const template = templateOf(ruleId);
    if (template) return renderRuleExplanation(template, e.params);
    const said = (lang: Lang) => {
      const values = placeholderValues(e.params, lang);
      const stored = (name: string) => (name === 'window' ? 'windowMs' : name) in e.params;
      const facts = (PLACEHOLDERS as readonly string[]).filter(
        (name) => name in values && values[name] !== '—' && stored(name),
      );
      return facts.map((name) => `${name}: ${values[name]}`).join('; ');
    };
    return {
      fr: `Règle ${ruleId} (modèle d’explication introuvable) — ${said('fr')}`,
      en: `Rule ${ruleId} (explanation template not found) — ${said('en')}`,
    };
  };
}

export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/** Placeholders a template uses that do not exist. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1]!)
    .filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
}
