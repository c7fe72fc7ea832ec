// Administration sections: each is a tab under /admin/<id>, loaded on demand.
import type { Component } from 'svelte';
import type { MessageKey } from '../../lib/i18n/catalog.ts';

export interface AdminSection {
  id: string;
  label: MessageKey;
  permission: string;
  load: () => Promise<{ default: Component<any> }>;
}

export const sections: AdminSection[] = [
  { id: 'users', label: 'admin.users', permission: 'users:manage', load: () => import('./users/UsersSection.svelte') },
  {
    id: 'sources',
    label: 'admin.sources',
    permission: 'sources:manage',
    load: () => import('./sources/SourcesSection.svelte'),
  },
  {
    id: 'directory',
    label: 'admin.directory',
    permission: 'directory:manage',
    load: () => import('./directory/DirectorySection.svelte'),
  },
  { id: 'rules', label: 'admin.rules', permission: 'rules:manage', load: () => import('./rules/RulesSection.svelte') },
];
