import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import FilterChips from '../../client/src/lib/components/filters/FilterChips.svelte';
import { periodDefs } from '../../client/src/lib/components/filters/period.ts';
import PeriodFilter from '../../client/src/lib/components/filters/PeriodFilter.svelte';
import SelectFilter from '../../client/src/lib/components/filters/SelectFilter.svelte';
import TextFilter from '../../client/src/lib/components/filters/TextFilter.svelte';
import { downloadUrl } from '../../client/src/lib/download.ts';
import { applyFilter, cellFilter, queryObject } from '../../client/src/lib/filters.ts';
import { router } from '../../client/src/lib/router.svelte.ts';
import { isoToParisLocal, parisLocalToIso, toParisIso } from '../../client/src/lib/time.ts';

beforeEach(() => router.navigate('/list', { replace: true }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('Paris wall time ↔ ISO with offset', () => {
  it('uses +01:00 in winter and +02:00 in summer', () => {
    expect(parisLocalToIso('2026-01-15T08:00')).toBe('2026-01-15T08:00:00+01:00');
    expect(parisLocalToIso('2026-07-14T15:30')).toBe('2026-07-14T15:30:00+02:00');
    expect(parisLocalToIso('2026-07-14T15:30:45')).toBe('2026-07-14T15:30:45+02:00');
  });
  it('handles the DST changes: the spring gap moves forward, the autumn repeat takes the first', () => {
    expect(parisLocalToIso('2026-03-29T01:59')).toBe('2026-03-29T01:59:00+01:00');
    expect(parisLocalToIso('2026-03-29T02:30')).toBe('2026-03-29T03:30:00+02:00'); // 02:30 does not exist
    expect(parisLocalToIso('2026-03-29T03:00')).toBe('2026-03-29T03:00:00+02:00');
    expect(parisLocalToIso('2026-10-25T02:30')).toBe('2026-10-25T02:30:00+02:00'); // happens twice
    expect(parisLocalToIso('2026-10-25T03:00')).toBe('2026-10-25T03:00:00+01:00');
  });
  it('refuses what is not a date-time', () => {
    for (const bad of ['', '2026-02-30T10:00', '2026-13-01T10:00', '15/01/2026 08:00', '2026-01-15'])
      expect(parisLocalToIso(bad), bad).toBeNull();
  });
  it('shows any instant back in Paris wall time', () => {
    expect(isoToParisLocal('2026-01-15T07:00:00Z')).toBe('2026-01-15T08:00');
    expect(isoToParisLocal('2026-07-14T15:30:00+02:00')).toBe('2026-07-14T15:30');
    expect(isoToParisLocal('2026-10-25T01:30:00Z')).toBe('2026-10-25T02:30'); // the second 02:30
    expect(isoToParisLocal('2026-07-14T15:30:00')).toBeNull(); // no offset: never guessed
  });
  it('writes an instant in Paris time with its offset', () => {
    expect(toParisIso(Date.UTC(2026, 0, 15, 7, 0))).toBe('2026-01-15T08:00:00+01:00');
    expect(toParisIso(Date.UTC(2026, 6, 14, 13, 30))).toBe('2026-07-14T15:30:00+02:00');
    expect(Date.parse(toParisIso(Date.UTC(2026, 9, 25, 0, 30)))).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });
});

describe('PeriodFilter', () => {
  it('writes the period to the URL as ISO with the offset, winter and summer', async () => {
    render(PeriodFilter);
    await fireEvent.change(screen.getByTestId('period-from'), { target: { value: '2026-01-15T08:00' } });
    expect(router.query.get('from')).toBe('2026-01-15T08:00:00+01:00');
    await fireEvent.change(screen.getByTestId('period-to'), { target: { value: '2026-07-14T18:00' } });
    expect(router.query.get('to')).toBe('2026-07-14T18:00:00+02:00');
    expect(location.search).toContain('from=2026-01-15T08%3A00%3A00%2B01%3A00');
  });

  it('shows the URL period in Paris wall time', async () => {
    router.setQuery({ from: '2026-07-14T13:00:00Z' });
    render(PeriodFilter);
    expect((screen.getByTestId('period-from') as HTMLInputElement).value).toBe('2026-07-14T15:00');
  });

  it('refuses an end before the start and keeps the URL as it was', async () => {
    router.setQuery({ from: '2026-03-10T10:00:00+01:00' });
    render(PeriodFilter);
    const to = screen.getByTestId('period-to');
    await fireEvent.change(to, { target: { value: '2026-03-09T10:00' } });
    expect(screen.getByRole('alert').textContent).toBe('La fin doit suivre le début.');
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(router.query.get('to')).toBeNull();
  });

  it('offers presets relative to now, and clears', async () => {
    render(PeriodFilter, { now: () => Date.UTC(2026, 6, 14, 12, 0) });
    await fireEvent.click(screen.getByRole('button', { name: '7 jours' }));
    expect(router.query.get('from')).toBe('2026-07-07T14:00:00+02:00');
    await fireEvent.click(screen.getByRole('button', { name: 'Effacer la période' }));
    expect(router.query.get('from')).toBeNull();
  });
});

describe('filter controls and chips', () => {
  it('TextFilter writes the URL after a pause, at once on Enter, and follows URL changes', async () => {
    vi.useFakeTimers();
    render(TextFilter, { param: 'q' });
    const input = screen.getByTestId('filter-q') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'dupont' } });
    expect(router.query.get('q')).toBeNull();
    vi.advanceTimersByTime(300);
    expect(router.query.get('q')).toBe('dupont');
    await fireEvent.input(input, { target: { value: 'martin ' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(router.query.get('q')).toBe('martin');
    router.setQuery({ q: null }); // a chip removed it
    await tick();
    expect(input.value).toBe('');
  });

  it('SelectFilter sets and clears its parameter', async () => {
    render(SelectFilter, {
      param: 'status',
      label: 'filters.label',
      options: [
        { value: 'open', label: 'Ouverte' },
        { value: 'closed', label: 'Fermée' },
      ],
    });
    const select = screen.getByTestId('filter-status') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'open' } });
    expect(router.query.get('status')).toBe('open');
    await fireEvent.change(select, { target: { value: '' } });
    expect(router.query.get('status')).toBeNull();
  });

  it('chips show include and exclude filters, formatted, and remove them', async () => {
    const userName = (id: string) => (id === '42' ? 'Dr Martin' : id);
    applyFilter('user', '42', 'exclude');
    router.setQuery({ status: 'open', from: '2026-01-15T08:00:00+01:00' });
    render(FilterChips, {
      defs: [
        { param: 'user', label: 'nav.account', format: userName },
        { param: 'status', label: 'filters.label' },
        ...periodDefs(),
      ],
    });
    const chips = within(screen.getByTestId('filter-chips'))
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(chips).toEqual(['Mon compte : sauf Dr Martin', 'Filtres : open', 'Du : 15/01/2026 08:00:00 (UTC+1)']);
    await fireEvent.click(screen.getByRole('button', { name: 'Retirer le filtre Mon compte : sauf Dr Martin' }));
    expect(router.query.get('not.user')).toBeNull();
    expect(router.query.get('status')).toBe('open');
    await fireEvent.click(screen.getByRole('button', { name: 'Effacer les filtres' }));
    expect(location.search).toBe('');
  });

  it('"filtrer sur" replaces an exclusion of the same parameter, and the reverse', () => {
    const filter = cellFilter<{ userId: number }>('user', (r) => r.userId);
    filter({ userId: 7 }, 'exclude');
    expect(router.query.get('not.user')).toBe('7');
    filter({ userId: 7 }, 'include');
    expect(router.query.get('user')).toBe('7');
    expect(router.query.get('not.user')).toBeNull();
  });

  it('builds export links from the current filters', () => {
    router.setQuery({ status: 'open', 'not.user': '7', selected: '12' });
    expect(downloadUrl('/alerts/export', { ...queryObject(router.query, ['selected']), format: 'csv' })).toBe(
      '/api/v1/alerts/export?status=open&not.user=7&format=csv',
    );
  });
});
