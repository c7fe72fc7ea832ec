import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Source } from '../../client/src/lib/state/sources.svelte.ts';

const source: Source = {
  id: 's1',
  name: 'Suricata DMZ',
  kind: 'alerts',
  tokenPrefix: 'vgi_abcdef',
  enabled: true,
  revoked: false,
  revokedAt: null,
  allowedAddresses: [],
  createdAt: Date.UTC(2026, 10, 28),
  tokenIssuedAt: Date.UTC(2026, 10, 28),
  lastSeenAt: Date.UTC(2026, 10, 28, 9),
  lastError: null,
  lastErrorAt: null,
  today: { accepted: 12, refused: 0, skipped: 62, dropped: 0 },
};

vi.mock('../../client/src/lib/api.ts', () => ({ api: { get: vi.fn(async () => ({ items: [source] })) } }));
const { default: SourcesSection } = await import('../../client/src/screens/admin/sources/SourcesSection.svelte');

afterEach(cleanup);

describe('Administration › Sources', () => {
  it('shows the records skipped by design apart from the refused ones, with what they are', async () => {
    render(SourcesSection);
    const skipped = await screen.findByText(/62 ignorés/);
    expect(skipped.getAttribute('title')).toMatch(/ignore par conception/);
    expect(screen.getByText('12 acceptés · 0 refusés')).toBeTruthy();
  });
});
