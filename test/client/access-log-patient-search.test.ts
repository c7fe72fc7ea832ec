// The access log asks why before a search by clear patient identifier runs
// (the server audits it with the reason), pages on without spending another
// search, and says plainly when the user has made too many.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { router } from '../../client/src/lib/router.svelte.ts';
import { pageQuery } from '../../client/src/lib/state/access-log.svelte.ts';
import AccessLogScreen from '../../client/src/screens/access-log/AccessLogScreen.svelte';

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const event = (id: number) => ({
  id,
  occurredAt: 1_795_000_000_000 - id,
  occurredAtText: '2026-11-28T14:00:00+01:00',
  receivedAt: 1_795_000_000_000,
  source: { id: 's', name: 'DxCare' },
  user: 'u1',
  action: 'read',
  outcome: 'success',
  patient: '••••••12',
  application: 'DxCare',
  workstation: null,
  address: null,
  department: 'cardiologie',
  context: null,
});

const REASON = 'Plainte du patient, dossier DPO-2026-031';

describe('access log: search by patient identifier', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    router.navigate('/');
  });

  it('pages with the reason first, then on the pivot (no clear identifier, no reason)', () => {
    expect(pageQuery({ user: 'u1' }, null, null)).toEqual({ user: 'u1' });
    expect(pageQuery({ patient: 'P0004512', action: 'read' }, REASON, null)).toEqual({
      patient: 'P0004512',
      action: 'read',
      reason: REASON,
    });
    expect(pageQuery({ patient: 'P0004512', action: 'read' }, REASON, 42)).toEqual({ action: 'read', patientOf: '42' });
  });

  it('asks for a reason before searching, sends it, and says when there were too many searches', async () => {
    const fetch = vi.fn(async (url: string) => {
      if (!url.startsWith('/api/v1/access-events'))
        return answer(404, { error: { code: 'route.not_found', message: 'x', requestId: 'r' } });
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('patient') === 'P0004512')
        return answer(200, { items: [event(7), event(6)], nextCursor: null, count: { value: 2, exact: true } });
      return answer(429, {
        error: {
          code: 'access_events.patient_search_limited',
          message: 'x',
          requestId: 'r',
          details: { retryAfterSeconds: 1500, limit: 30 },
        },
      });
    });
    vi.stubGlobal('fetch', fetch);
    router.navigate('/access-log?patient=P0004512');
    render(AccessLogScreen);
    const reason = await screen.findByLabelText('Motif de la recherche');
    // Nothing is asked of the server before the reason is given.
    expect(fetch).not.toHaveBeenCalled();
    expect(screen.queryByTestId('export-csv')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Le motif doit compter au moins 10 caractères.');
    expect(fetch).not.toHaveBeenCalled();

    await fireEvent.input(reason, { target: { value: REASON } });
    await fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    const sent = new URL(fetch.mock.calls[0]![0], 'http://x').searchParams;
    expect(sent.get('patient')).toBe('P0004512');
    expect(sent.get('reason')).toBe(REASON);
    await waitFor(() => expect(screen.queryByTestId('patient-search-reason')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('access-count').textContent).toBe('2 accès'));
    const exportUrl = new URL(screen.getByTestId('export-csv').getAttribute('href')!, 'http://x').searchParams;
    expect(exportUrl.get('reason')).toBe(REASON);

    // Another patient: a new reason; the server says too many.
    router.navigate('/access-log?patient=P0009999');
    const again = await screen.findByLabelText('Motif de la recherche');
    expect((again as HTMLTextAreaElement).value).toBe('');
    await fireEvent.input(again, { target: { value: REASON } });
    await fireEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain(
        'Trop de recherches par identifiant patient. Réessayez dans 25 min.',
      ),
    );
  });
});
