import { describe, expect, it } from 'vitest';
import { filtersOf } from '../../client/src/lib/state/access-log.svelte.ts';
import { parseAddresses } from '../../client/src/lib/state/sources.svelte.ts';

describe('access-log filters from the URL', () => {
  it('keeps the explorer filters (exclusions included) and drops the rest, such as the open row', () => {
    const params = new URLSearchParams(
      'user=u3&patientOf=12&action=read,print&not.department=urgences&from=2026-11-28T10:00:00%2B01:00&event=99&sort=x&application=',
    );
    expect(filtersOf(params)).toEqual({
      user: 'u3',
      patientOf: '12',
      action: 'read,print',
      'not.department': 'urgences',
      from: '2026-11-28T10:00:00+01:00',
    });
  });
});

describe('allowed addresses as typed', () => {
  it('splits on commas, semicolons and blanks', () => {
    expect(parseAddresses(' 10.1.0.0/24, 10.1.5.12;2001:db8::/32\n10.9.9.9 ')).toEqual([
      '10.1.0.0/24',
      '10.1.5.12',
      '2001:db8::/32',
      '10.9.9.9',
    ]);
    expect(parseAddresses('  ')).toEqual([]);
  });
});
