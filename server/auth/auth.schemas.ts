import { z } from 'zod';
import { ROLES } from './permissions.ts';

// Lengths are bounded so that nobody makes argon2 hash a megabyte; the policy
// (12 characters, not common) is checked by the service with a clear code.
const secret = z.string().min(1, 'required').max(1024, 'too long');

export const LoginBody = z.object({
  email: z.string().trim().min(1, 'required').max(320, 'too long'),
  password: secret,
});
export const CodeBody = z.object({ code: z.string().trim().min(1, 'required').max(64, 'too long') });
export const TokenParams = z.object({ token: z.string().min(1).max(200) });
export const EnrolPasswordBody = z.object({
  password: secret,
  /** First-run setup only: who the first administrator is. */
  email: z.email('a valid email address').max(320).optional(),
  name: z.string().trim().min(1, 'required').max(200, 'too long').optional(),
});
export const ChangePasswordBody = z.object({
  currentPassword: secret,
  newPassword: secret,
  code: z.string().trim().min(1, 'required').max(64),
});
export const RenewCodesBody = z.object({ password: secret, code: z.string().trim().min(1, 'required').max(64) });

const roles = z.array(z.enum(ROLES, { error: `one of ${ROLES.join(', ')}` })).min(1, 'at least one role');
export const InviteBody = z.object({
  email: z.email('a valid email address').max(320),
  name: z.string().trim().min(1, 'required').max(200, 'too long'),
  roles,
  locale: z.enum(['fr', 'en']).optional(),
});
export const RolesBody = z.object({ roles });
export const UserIdParams = z.object({ id: z.uuid('a user id') });

export type LoginInput = z.infer<typeof LoginBody>;
export type InviteInput = z.infer<typeof InviteBody>;
