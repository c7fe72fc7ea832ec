// Turns the server's stable error codes into sentences the user can act on.
import { ApiError } from './api.ts';
import { t, type MessageKey } from './i18n/i18n.svelte.ts';

const BY_CODE: Record<string, MessageKey> = {
  'auth.invalid_credentials': 'authError.invalid_credentials',
  'auth.invalid_code': 'authError.invalid_code',
  'auth.mfa_not_started': 'authError.mfa_not_started',
  'auth.reauth_failed': 'authError.reauth_failed',
  'password.too_short': 'authError.too_short',
  'password.too_long': 'authError.too_long',
  'password.common': 'authError.common',
  'password.personal': 'authError.personal',
  'enrolment.invalid': 'authError.enrolment_invalid',
  'enrolment.identity_required': 'authError.identity_required',
  'user.exists': 'authError.user_exists',
  'user.last_admin': 'authError.last_admin',
  'user.self': 'authError.self',
  'user.own_roles': 'authError.own_roles',
  'setup.done': 'authError.setup_done',
};

export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic');
  if (error.code === 'network') return t('error.network');
  if (error.code === 'auth.locked') {
    const seconds = Number(error.details?.retryAfterSeconds ?? 60);
    return t('authError.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  if (error.code === 'enrolment.invalid_code')
    return t('authError.enrolment_code', { n: Number(error.details?.attemptsLeft ?? 0) });
  const key = BY_CODE[error.code];
  if (key) return t(key);
  return error.status === 400 ? error.message : t('error.generic');
}
