// How the audit screen writes actors, targets and details in words.
import { t } from '../../lib/i18n/i18n.svelte.ts';
import type { AuditActor, AuditEntry } from '../../lib/state/audit.svelte.ts';

export function actorText(actor: AuditActor): string {
  switch (actor.kind) {
    case 'user':
      return actor.name ?? t('audit.actor.user', { id: actor.id ?? '' });
    case 'source':
      return t('audit.actor.source', { id: actor.id ?? '' });
    case 'system':
      return t('audit.actor.system');
    case 'cli':
      return t('audit.actor.cli');
    case 'anonymous':
      return actor.id ? t('audit.actor.anonymousOf', { subject: actor.id }) : t('audit.actor.anonymous');
    default:
      return actor.label;
  }
}

export function targetText(target: AuditEntry['target']): string {
  if (!target) return '';
  return target.id === null ? target.type : `${target.type} #${target.id}`;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The details as [key, text] pairs; a details text that no longer parses is one pair with an empty key. */
export function detailPairs(details: unknown): [string, string][] {
  if (details === null || details === undefined) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [['', valueText(details)]];
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => [k, valueText(v)]);
}

/** One line for the table: "status: triage · count: 3", cut at `max` characters. */
export function detailsSummary(details: unknown, max = 160): string {
  const text = detailPairs(details)
    .map(([k, v]) => (k ? `${k}: ${v}` : v))
    .join(' · ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Action families offered by the filter ("user." for user.login, user.logout…), then the actions. */
export function actionOptions(
  actions: readonly string[],
  familyLabel: (prefix: string) => string,
): { value: string; label: string }[] {
  const families = [
    ...new Set(actions.filter((a) => a.includes('.')).map((a) => a.slice(0, a.indexOf('.') + 1))),
  ].sort();
  return [
    ...families.map((f) => ({ value: f, label: familyLabel(f) })),
    ...[...actions].sort().map((a) => ({ value: a, label: a })),
  ];
}

export const shortHash = (hash: string) => hash.slice(0, 12);
