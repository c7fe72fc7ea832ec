// Whether the store can take writes, as the readiness check reports it. A
// disk-full failure makes an embedded (SQLite) store "not ready" until a write
// commits again or a probe finds room; an unreachable database is found by
// the readiness ping itself. PostgreSQL's disk belongs to a server every
// instance shares: taking them all out of rotation would help nobody, so
// there a full disk only answers 507.
import type { AppError } from '../errors.ts';
import { classifyStoreError } from './store-errors.ts';

export interface StoreHealth {
  /** Notes a failure; returns the project error it maps to (undefined when it is not a store failure). */
  failed(error: unknown): AppError | undefined;
  /** A write committed: there is room again. */
  wrote(): void;
  /** Since when, and after what error, writes fail for want of space; undefined while they do not. */
  readonly full: { since: number; message: string } | undefined;
}

export function createStoreHealth(options: { tracksSpace: boolean; now?: () => number }): StoreHealth {
  const now = options.now ?? Date.now;
  let full: { since: number; message: string } | undefined;
  return {
    failed(error) {
      const mapped = classifyStoreError(error);
      if (mapped?.code === 'storage.full' && options.tracksSpace)
        full ??= { since: now(), message: error instanceof Error ? error.message : String(error) };
      return mapped;
    },
    wrote() {
      full = undefined;
    },
    get full() {
      return full;
    },
  };
}
