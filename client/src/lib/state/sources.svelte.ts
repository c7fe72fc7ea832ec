// Ingest sources (admin): the list with last seen, today's counts and last
// error, and the actions. A token is only ever in the answer of create/rotate.

import type { SourceKind } from '../../../../server/wire/enums.ts';
import type { IssuedToken, SourceView as Source } from '../../../../server/wire/sources.ts';
import { api } from '../api.ts';

// The shapes and the kinds are the server's own: one definition, no drift.
export { SOURCE_KINDS, type SourceKind } from '../../../../server/wire/enums.ts';
export type { IssuedToken, SourceView as Source } from '../../../../server/wire/sources.ts';

/** "10.0.0.0/24, 10.1.5.12" → ["10.0.0.0/24", "10.1.5.12"]. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

class SourcesState {
  items = $state.raw<Source[]>([]);
  status = $state<'idle' | 'loading' | 'error'>('idle');
  error = $state<unknown>(null);

  async load(): Promise<void> {
    this.status = 'loading';
    try {
      this.items = (await api.get<{ items: Source[] }>('/sources')).items;
      this.status = 'idle';
      this.error = null;
    } catch (error) {
      this.error = error;
      this.status = 'error';
    }
  }

  #replace(source: Source): Source {
    const at = this.items.findIndex((s) => s.id === source.id);
    this.items =
      at < 0
        ? [...this.items, source].sort((a, b) => a.name.localeCompare(b.name))
        : this.items.map((s, i) => (i === at ? source : s));
    return source;
  }

  async create(input: { name: string; kind: SourceKind; allowedAddresses: string[] }): Promise<IssuedToken> {
    const r = await api.post<IssuedToken>('/sources', input);
    this.#replace(r.source);
    return r;
  }

  async rotate(id: string): Promise<IssuedToken> {
    const r = await api.post<IssuedToken>(`/sources/${id}/rotate`);
    this.#replace(r.source);
    return r;
  }

  async revoke(id: string): Promise<Source> {
    return this.#replace(await api.post<Source>(`/sources/${id}/revoke`));
  }

  async update(
    id: string,
    changes: { enabled?: boolean; allowedAddresses?: string[]; name?: string },
  ): Promise<Source> {
    return this.#replace(await api.patch<Source>(`/sources/${id}`, changes));
  }
}

export const sources = new SourcesState();
