// The one permission map. Every /api route names one of these permissions;
// a role grants a fixed set of them; anything not granted is denied.
export const ROLES = ['reporter', 'analyst', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'account:self', // own profile, password, sessions
  'reports:create', // report an incident in plain words
  'alerts:read',
  'alerts:triage',
  'incidents:read',
  'incidents:manage',
  'notifications:read',
  'notifications:approve',
  'events:read', // access-log explorer
  'patients:reveal', // unmask a patient identifier, with a reason
  'directory:read',
  'directory:manage',
  'rules:read',
  'rules:manage',
  'sources:manage',
  'users:manage',
  'audit:read', // the audit log: analysts see what concerns incidents (server/audit/audit.scope.ts)
  'audit:read-all', // every audit entry (admins)
  'audit:verify',
  'settings:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

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
  approver: ['account:self', 'reports:create', 'alerts:read', 'incidents:read', 'notifications:read', 'notifications:approve'],
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
