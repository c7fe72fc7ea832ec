// The user list as GET /api/v1/users answers it.
export const ROLE_IDS = ['reporter', 'analyst', 'approver', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export interface UserItem {
  id: string;
  email: string;
  name: string;
  status: 'invited' | 'active' | 'disabled';
  roles: RoleId[];
  mfaEnrolled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
  lockedUntil: number | null;
  linkExpiresAt: number | null;
}

/** An enrolment link, shown once after an invitation, a new link or an MFA reset. */
export interface IssuedLink {
  email: string;
  url: string;
  expiresAt: number;
}

export const roleKey = (r: RoleId) => `role.${r}` as const;
