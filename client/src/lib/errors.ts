// Turns whatever a request threw into words for the user, with the request id
// the support team needs ("Référence : …"). Server messages are for developers;
// a screen that knows better passes its own message key.
import { ApiError } from './api.ts';
import { t, type MessageKey } from './i18n/i18n.svelte.ts';

export interface DescribedError {
  message: string;
  requestId?: string;
  code?: string;
}

export function describeError(error: unknown, fallback: MessageKey = 'error.generic'): DescribedError {
  if (error instanceof ApiError) {
    if (error.status === 0) return { message: t('error.network'), code: error.code };
    return { message: t(fallback), requestId: error.requestId, code: error.code };
  }
  return { message: t(fallback) };
}
