// The one permission map. Every /api route names one of these permissions;
// a role grants a fixed set of them; anything not granted is denied.
import { ROLES, type Permission, type Role } from '../wire/enums.ts';

// The roles and permissions cross the wire (GET /auth/me): their lists are in server/wire/enums.ts.
export { PERMISSIONS, ROLES, type Permission, type Role } from '../wire/enums.ts';

const GRANTS: Record<Role, readonly Permission[]> = {
  reporter: ['account:self', 'reports:create'],
  analyst: [
    'account:self',
    'reports:create',
    'alerts:read',
    'alerts:triage',
    'incidents:read',
    'incidents:manage',
    'notifications:read',
    'events:read',
    'patients:reveal',
    'directory:read',
    'rules:read',
    'audit:read',
  ],
  approver: [
    'account:self',
    'reports:create',
    'alerts:read',
    'incidents:read',
    'notifications:read',
    'notifications:approve',
  ],
  admin: [
    'account:self',
    'reports:create',
    'directory:read',
    'directory:manage',
    'rules:read',
    'rules:manage',
    'sources:manage',
    'users:manage',
    'audit:read',
    'audit:read-all',
    'audit:verify',
    'settings:manage',
  ],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => GRANTS[r] ?? []));
}

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => GRANTS[r]?.includes(permission));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
