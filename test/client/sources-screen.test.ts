// The admin sources screen shows the UDP datagrams a syslog source lost today
// (issue 11, item 2), in French and in English, and nothing when none were lost.
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../../client/src/lib/i18n/i18n.svelte.ts';
import SourcesSection from '../../client/src/screens/admin/sources/SourcesSection.svelte';

const source = (name: string, today: { accepted: number; refused: number; dropped: number }) => ({
  id: name,
  name,
  kind: 'syslog',
  tokenPrefix: 'vgi_abcdef',
  enabled: true,
  revoked: false,
  revokedAt: null,
  allowedAddresses: ['10.0.0.1'],
  createdAt: 1,
  tokenIssuedAt: 1,
  lastSeenAt: null,
  lastError: null,
  lastErrorAt: null,
  today,
});

describe('admin sources screen', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    i18n.set('fr');
  });

  function serve() {
    const items = [
      source('rsyslog', { accepted: 1200, refused: 0, dropped: 37 }),
      source('quiet', { accepted: 5, refused: 0, dropped: 0 }),
    ];
    vi.stubGlobal(
      'fetch',
      vi
        .fn()
        .mockResolvedValue(
          new Response(JSON.stringify({ items }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
        ),
    );
  }

  it('says how many UDP datagrams a source lost today (FR)', async () => {
    serve();
    render(SourcesSection);
    expect((await screen.findByText('37 datagrammes UDP perdus')).getAttribute('title')).toMatch(
      /tampon de réception du noyau/,
    );
    expect(screen.getAllByText(/datagrammes UDP perdus/)).toHaveLength(1);
  });

  it('and in English', async () => {
    i18n.set('en');
    serve();
    render(SourcesSection);
    expect(await screen.findByText('37 UDP datagrams lost')).toBeTruthy();
  });
});
