import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRelative } from '../../client/src/lib/time.ts';

describe('time display', () => {
  it('shows Europe/Paris with the offset written out, winter and summer', () => {
    expect(formatDateTime(Date.UTC(2026, 10, 28, 13, 26, 16), { locale: 'fr' })).toBe('28/11/2026 14:26:16 (UTC+1)');
    expect(formatDateTime(Date.UTC(2026, 6, 14, 13, 26, 16), { locale: 'en' })).toBe('14/07/2026 15:26:16 (UTC+2)');
  });
  it('shows UTC when the user asks', () => {
    expect(formatDateTime(Date.UTC(2026, 10, 28, 13, 26, 16), { locale: 'fr', utc: true })).toBe(
      '28/11/2026 13:26:16 (UTC)',
    );
  });
  it('uses 24 h times, even at midnight', () => {
    expect(formatDateTime(Date.UTC(2026, 10, 27, 23, 5, 0), { locale: 'en', withDate: false })).toBe(
      '00:05:00 (UTC+1)',
    );
  });
  it('gives relative time as secondary text', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    expect(formatRelative(now - 5 * 60_000, now, 'fr').replace(/\s/g, ' ')).toBe('il y a 5 min');
    expect(formatRelative(now - 5 * 60_000, now, 'en')).toBe('5 min. ago');
  });
});
