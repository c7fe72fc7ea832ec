import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SeverityBadge from '../../client/src/lib/components/SeverityBadge.svelte';

describe('SeverityBadge', () => {
  it('says the severity in words and draws a different shape for each level', () => {
    const shapes = new Set<string>();
    for (const [severity, word] of [
      ['low', 'Faible'],
      ['medium', 'Moyenne'],
      ['high', 'Élevée'],
      ['critical', 'Critique'],
    ] as const) {
      const { container, unmount } = render(SeverityBadge, { severity });
      expect(container.textContent?.trim()).toBe(word);
      shapes.add(container.querySelector('svg')!.innerHTML);
      unmount();
    }
    expect(shapes.size).toBe(4);
  });
});
