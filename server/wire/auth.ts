// Accounts as the client sees them: who is logged in (GET /auth/me) and the
// user list of the admin screen (GET /users).
import type { Locale, Permission, Role, UserStatus } from './enums.ts';

/** GET /auth/me; POST /auth/mfa answers the same after a login. */
export interface Me {
  user: { id: string; email: string; name: string; locale: Locale };
  roles: Role[];
  /** Sorted. */
  permissions: Permission[];
  session: { id: string; expiresAt: number };
}

/** A user as GET /users lists them. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  roles: Role[];
  mfaEnrolled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
  /** When the account's lock after failed attempts ends, if it is locked. */
  lockedUntil: number | null;
  /** When the pending enrolment link ends, if there is one. */
  linkExpiresAt: number | null;
}
