// Success and error notices (toasts), shown by <Notices /> in the shell.
//
//   notices.success(t('alerts.taken'));
//   notices.error(err);                      // ApiError → message + "Référence : <requestId>"
//   notices.error(err, 'alerts.takeFailed'); // with the screen's own words
//
// Successes fade after `ttl` ms (default 5 s) and are announced politely; errors stay
// until dismissed (the user must be able to read and copy the reference) and are
// announced assertively.
import { describeError } from '../errors.ts';
import type { MessageKey } from '../i18n/catalog.ts';

export interface Notice {
  id: number;
  kind: 'success' | 'error';
  message: string;
  requestId?: string;
}

class Notices {
  items = $state.raw<Notice[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  success(message: string, ttl = 5000): number {
    const id = this.#push({ kind: 'success', message });
    if (ttl > 0)
      this.#timers.set(
        id,
        setTimeout(() => this.dismiss(id), ttl),
      );
    return id;
  }

  error(error: unknown, fallback?: MessageKey): number {
    const d = describeError(error, fallback);
    return this.#push({ kind: 'error', message: d.message, requestId: d.requestId });
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((n) => n.id !== id);
  }

  clear(): void {
    for (const id of [...this.#timers.keys()]) this.dismiss(id);
    this.items = [];
  }

  #push(notice: Omit<Notice, 'id'>): number {
    const id = this.#next++;
    // At most 5 on screen: the oldest go first.
    this.items = [...this.items, { ...notice, id }].slice(-5);
    return id;
  }
}

export const notices = new Notices();
