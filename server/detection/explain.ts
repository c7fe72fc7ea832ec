// Plain-language explanations: a rule's template with named placeholders,
// filled in French and English. The patient appears only masked.
import { maskPatientId } from '../privacy.ts';
import { formatParis } from '../paris-time.ts';
import type { EvalContext } from './context.ts';

export const PLACEHOLDERS = [
  'user', 'userId', 'department', 'profession', 'patient', 'action', 'activity', 'time', 'date', 'workstation', 'address', 'facts',
  'count', 'threshold', 'window', 'baseline', 'departmentBaseline', 'reason', 'idleDays', 'lastActivity', 'endDate',
  'deathDate', 'daysSinceDeath', 'previousWorkstation', 'previousSite', 'site', 'distanceKm', 'minutes', 'usualHours',
  'colleagueDepartment',
] as const;

export type Lang = 'fr' | 'en';

const ACTIONS: Record<Lang, Record<string, string>> = {
  fr: { read: 'consulté', update: 'modifié', create: 'créé', delete: 'supprimé', print: 'imprimé', export: 'exporté', break_glass: 'ouvert en bris de glace', login: 'ouvert une session sur', logout: 'fermé une session sur', login_failed: 'échoué à se connecter sur' },
  en: { read: 'opened', update: 'modified', create: 'created', delete: 'deleted', print: 'printed', export: 'exported', break_glass: 'opened by break-the-glass', login: 'logged in to', logout: 'logged out of', login_failed: 'failed to log in to' },
};

export function formatWindow(ms: number, lang: Lang): string {
  if (ms % 86_400_000 === 0) return lang === 'fr' ? `${ms / 86_400_000} j` : `${ms / 86_400_000} ${ms === 86_400_000 ? 'day' : 'days'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** "consulté le dossier du patient •••23", "ouvert une session": the action with its object. */
function activity(c: EvalContext, lang: Lang): string {
  const fr = lang === 'fr';
  switch (c.ev.action) {
    case 'login':
      return fr ? 'ouvert une session' : 'logged in';
    case 'logout':
      return fr ? 'fermé sa session' : 'logged out';
    case 'login_failed':
      return fr ? 'échoué à se connecter' : 'failed to log in';
    default: {
      const verb = ACTIONS[lang][c.ev.action] ?? c.ev.action;
      if (!c.ev.patientId) return verb;
      return fr ? `${verb} le dossier du patient ${maskPatientId(c.ev.patientId)}` : `${verb} the record of patient ${maskPatientId(c.ev.patientId)}`;
    }
  }
}

function facts(c: EvalContext, lang: Lang): string {
  const r = c.relations();
  const fr = lang === 'fr';
  const parts: string[] = [];
  if (r.samePerson) parts.push(fr ? 'qui est son propre dossier' : 'which is their own record');
  if (r.relative) {
    if (r.sameAddress) parts.push(fr ? 'qui porte le même nom et habite à la même adresse' : 'who has the same name and lives at the same address');
    else parts.push(fr ? 'liée par le nom de naissance (même nom de famille ou de naissance)' : 'linked by birth name (the same family or birth name)');
  } else if (r.neighbour) {
    parts.push(r.sameAddress ? (fr ? 'qui habite à la même adresse' : 'who lives at the same address') : fr ? 'qui habite dans la même rue' : 'who lives in the same street');
  }
  if (r.colleague) {
    parts.push(
      r.sameDepartment
        ? fr ? 'qui travaille dans le même service' : 'who works in the same department'
        : fr ? 'qui fait partie du personnel' : 'who is a member of staff',
    );
  }
  if (c.patient?.vip) parts.push(fr ? 'patient signalé VIP' : 'a patient flagged VIP');
  if (!parts.length) return fr ? 'sans lien connu' : 'with no known link';
  return parts.join(fr ? ' et ' : ' and ');
}

function reasonOf(c: EvalContext, lang: Lang): string {
  let reason: unknown;
  if (c.ev.context) {
    try {
      const ctx = JSON.parse(c.ev.context) as Record<string, unknown>;
      reason = ctx.reason ?? ctx.justification ?? ctx.motif;
    } catch {
      reason = undefined;
    }
  }
  if (typeof reason !== 'string' || !reason.trim()) return lang === 'fr' ? 'aucun motif donné' : 'no reason given';
  let text = reason.trim().slice(0, 200);
  if (c.ev.patientId) text = text.split(c.ev.patientId).join(maskPatientId(c.ev.patientId));
  return `« ${text} »`;
}

/** Every placeholder's value for this hit, in one language. */
export function placeholderValues(c: EvalContext, lang: Lang, extra: Record<string, string | number>): Record<string, string | number> {
  const fr = lang === 'fr';
  const u = c.user;
  const colleague = c.patient?.staffId ? c.dir.staff.get(c.patient.staffId) : undefined;
  return {
    user: u?.displayName || (c.ev.userId ? (fr ? `le compte ${c.ev.userId}` : `account ${c.ev.userId}`) : fr ? 'un compte inconnu' : 'an unknown account'),
    userId: c.ev.userId ?? '—',
    department: u?.department ?? c.ev.department ?? (fr ? 'service inconnu' : 'unknown department'),
    profession: u?.profession ?? '—',
    patient: c.ev.patientId ? maskPatientId(c.ev.patientId) : '—',
    action: ACTIONS[lang][c.ev.action] ?? c.ev.action,
    activity: activity(c, lang),
    time: formatParis(c.ev.occurredAt),
    date: formatParis(c.ev.occurredAt).slice(0, 10),
    workstation: c.ev.workstation ?? '—',
    address: c.ev.address ?? '—',
    facts: facts(c, lang),
    reason: reasonOf(c, lang),
    colleagueDepartment: colleague?.department ?? '—',
    ...c.values,
    ...extra,
  };
}

export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/** Placeholders a template uses that do not exist. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
}
