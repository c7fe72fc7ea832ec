import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shortcuts } from '../../client/src/lib/state/shortcuts.svelte.ts';
import PreviewHarness from './harness/PreviewHarness.svelte';

let uninstall = () => {};
beforeEach(() => (uninstall = shortcuts.install()));
afterEach(() => {
  uninstall();
  cleanup();
});

describe('PreviewPanel', () => {
  it('has its title as name, next/previous and full-page link, and closes on Escape', async () => {
    const onClose = vi.fn();
    const onNext = vi.fn();
    const onPrev = vi.fn();
    render(PreviewHarness, { onClose, onNext, onPrev });
    const panel = screen.getByRole('complementary', { name: 'Alerte 42' });
    expect(screen.getByRole('link', { name: 'Ouvrir en pleine page' }).getAttribute('href')).toBe('/alerts/42');
    expect((screen.getByRole('button', { name: 'Précédent' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Suivant' }));
    expect(onNext).toHaveBeenCalledTimes(1);

    // j/k move only while focus is inside the panel (in the list, the table handles them).
    screen.getByTestId('outside').focus();
    await fireEvent.keyDown(screen.getByTestId('outside'), { key: 'j' });
    expect(onNext).toHaveBeenCalledTimes(1);
    screen.getByTestId('inside').focus();
    await fireEvent.keyDown(screen.getByTestId('inside'), { key: 'j' });
    expect(onNext).toHaveBeenCalledTimes(2);
    await fireEvent.keyDown(screen.getByTestId('inside'), { key: 'k' });
    expect(onPrev).not.toHaveBeenCalled(); // no previous item

    await fireEvent.keyDown(panel, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
