// Who is logged in, with their roles and permissions, from GET /auth/me.
import type { Me } from '../../../../server/wire/auth.ts';
import { api, ApiError } from '../api.ts';

export type { Me };

class SessionState {
  me = $state<Me | null>(null);
  /** `unknown` until the first answer. */
  status = $state<'unknown' | 'anonymous' | 'authenticated'>('unknown');
  permissions = $derived(new Set<string>(this.me?.permissions ?? []));

  async load(): Promise<void> {
    try {
      this.me = await api.get<Me>('/auth/me', { quiet401: true });
      this.status = 'authenticated';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.me = null;
        this.status = 'anonymous';
        return;
      }
      throw error;
    }
  }

  /** After a login: the answer of POST /auth/mfa is the same shape as GET /auth/me. */
  set(me: Me): void {
    this.me = me;
    this.status = 'authenticated';
  }

  can(permission: string): boolean {
    return this.permissions.has(permission);
  }

  clear(): void {
    this.me = null;
    this.status = 'anonymous';
  }
}

export const session = new SessionState();
