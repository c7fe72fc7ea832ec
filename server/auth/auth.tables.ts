import type { Generated } from 'kysely';
import type { Role } from './permissions.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  /** `invited` until enrolment completes; `disabled` users are never deleted. */
  status: 'invited' | 'active' | 'disabled';
  /** argon2id PHC string; null until the user sets one. */
  passwordHash: string | null;
  /** AES-256-GCM encrypted base32 secret (see auth/secret-box.ts); null until enrolment. */
  totpSecret: string | null;
  /** Last accepted TOTP time step: no code of this step or earlier is accepted again. */
  totpLastStep: number | null;
  locale: 'fr' | 'en';
  createdAt: number;
  updatedAt: number;
}

export interface UserRolesTable {
  userId: string;
  role: Role;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the 256-bit cookie token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  /** `password` = first factor passed, waiting for the code; `full` = logged in. */
  stage: 'password' | 'full';
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry. */
  expiresAt: number;
  revokedAt: number | null;
  address: string | null;
  userAgent: string | null;
}

export interface AuthTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
}

export type { Generated };
