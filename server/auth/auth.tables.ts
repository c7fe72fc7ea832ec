import type { Generated } from 'kysely';
import type { Locale, UserStatus } from '../wire/enums.ts';
import type { Role } from './permissions.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  /** `invited` until enrolment completes; `disabled` users are never deleted. */
  status: UserStatus;
  /** argon2id PHC string; null until the user sets one. */
  passwordHash: string | null;
  /** AES-256-GCM encrypted base32 secret (see auth/secret-box.ts); null until enrolment. */
  totpSecret: string | null;
  /** Last accepted TOTP time step: no code of this step or earlier is accepted again. */
  totpLastStep: number | null;
  locale: Locale;
  createdAt: number;
  updatedAt: number;
  /** When the user last completed both factors. */
  lastLoginAt: number | null;
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

export type EnrolmentKind = 'setup' | 'invite' | 'mfa_reset';

export interface EnrolmentTokensTable {
  id: string;
  /** SHA-256 of the link's 256-bit token. */
  tokenHash: string;
  kind: EnrolmentKind;
  /** The account being enrolled; null for first-run setup, whose account is created at confirmation. */
  userId: string | null;
  /** First-run setup only: the first administrator's email and name, until confirmation. */
  email: string | null;
  name: string | null;
  /** Pending argon2id hash, moved to the user at confirmation. */
  passwordHash: string | null;
  /** Pending TOTP secret, encrypted (secret-box.ts), moved to the user at confirmation. */
  totpSecret: string | null;
  /** Wrong codes against the pending secret; at the limit the secret is dropped. */
  confirmFailures: number;
  /** Actor label of who created the link. */
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  userId: string;
  /** HMAC-SHA-256 of the normalised code, under a key derived from the master key. */
  codeHash: string;
  createdAt: number;
  usedAt: number | null;
}

export interface LoginThrottleTable {
  /** `account:<hash of the email>` or `address:<ip>`. */
  subject: string;
  failures: number;
  firstFailureAt: number | null;
  lockedUntil: number | null;
  /** Locks so far (the delay doubles with each). */
  lockouts: number;
  lastLockAt: number | null;
  updatedAt: number;
}

export interface AuthTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  enrolment_tokens: EnrolmentTokensTable;
  recovery_codes: RecoveryCodesTable;
  login_throttle: LoginThrottleTable;
}

export type { Generated };
