// Sharing the kernel's UDP drops among the sources that were sending: whole
// datagrams, in proportion, adding up to what the kernel counted.
import { describe, expect, it } from 'vitest';
import { shareOut } from '../../../server/ingest/syslog/kernel-drops.ts';

describe('shareOut', () => {
  it('splits in proportion, in whole units that add up', () => {
    expect(shareOut(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(shareOut(5, [3, 1])).toEqual([4, 1]);
    expect(shareOut(2991, [9])).toEqual([2991]);
    expect(shareOut(7, [0, 5])).toEqual([0, 7]);
    for (const [total, weights] of [
      [1000, [7, 13, 29]],
      [3, [1, 1, 1, 1, 1]],
    ] as const) {
      expect(shareOut(total, weights).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });
  it('gives nothing when no one was sending', () => {
    expect(shareOut(5, [0, 0])).toEqual([0, 0]);
  });
});
