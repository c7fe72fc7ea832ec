// The user list as GET /api/v1/users answers it: the server's own shape and roles.
import type { Role as RoleId } from '../../../../../server/wire/enums.ts';

export { ROLES as ROLE_IDS, type Role as RoleId } from '../../../../../server/wire/enums.ts';
export type { UserView as UserItem } from '../../../../../server/wire/auth.ts';

/** An enrolment link, shown once after an invitation, a new link or an MFA reset. */
export interface IssuedLink {
  email: string;
  url: string;
  expiresAt: number;
}

export const roleKey = (r: RoleId) => `role.${r}` as const;
