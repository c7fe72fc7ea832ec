// Who sees which audit entries. Admins (audit:read-all) see every entry;
// analysts (audit:read) see the entries that concern incidents: this list, the
// one place that says which target types those are. A module that adds a
// target type belonging to incident work adds it here.
import { can, type Role } from '../auth/permissions.ts';

export const INCIDENT_TARGET_TYPES = [
  'alert',
  'incident',
  'task',
  'note',
  'timeline',
  'timeline_entry',
  'attachment',
  'playbook_run',
  'breach_assessment',
  'notification',
  'notification_draft',
] as const;

/** null = everything; otherwise the target types the reader may see. */
export type AuditScope = readonly string[] | null;

export function auditScopeOf(roles: readonly Role[]): AuditScope {
  return can(roles, 'audit:read-all') ? null : INCIDENT_TARGET_TYPES;
}

export function inScope(scope: AuditScope, targetType: string | null): boolean {
  return scope === null || (targetType !== null && scope.includes(targetType));
}
