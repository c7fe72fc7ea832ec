import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/src/lib/api.ts';
import MaskedId from '../../client/src/lib/components/MaskedId.svelte';
import Notices from '../../client/src/lib/components/Notices.svelte';
import { notices } from '../../client/src/lib/state/notices.svelte.ts';
import DialogHarness from './harness/DialogHarness.svelte';

afterEach(() => {
  cleanup();
  notices.clear();
  vi.useRealTimers();
});

describe('ConfirmDialog', () => {
  it('is a modal alertdialog that starts on Cancel and gives focus back to the opener', async () => {
    render(DialogHarness, { onConfirm: () => {} });
    const opener = screen.getByTestId('opener');
    opener.focus();
    await fireEvent.click(opener);
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(within(dialog).getByRole('heading', { name: 'Supprimer la vue ?' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Annuler'));
    // Tab wrapping needs layout (tabbable elements must be visible): checked in test/e2e/uikit.test.ts.
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it('runs the action, keeps the dialog open with the request id on failure, closes on success', async () => {
    let attempt = 0;
    const onConfirm = vi.fn(async () => {
      if (attempt++ === 0) throw new ApiError(409, 'view.inUse', 'in use', 'req-7');
    });
    render(DialogHarness, { onConfirm });
    await fireEvent.click(screen.getByTestId('opener'));
    const dialog = await screen.findByRole('alertdialog');
    await fireEvent.click(within(dialog).getByTestId('confirm'));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Une erreur est survenue.');
    expect(alert.textContent).toContain('Référence : req-7');
    await fireEvent.click(within(dialog).getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });
});

describe('MaskedId and the reveal dialog', () => {
  it('shows the masked value; no button without the permission', () => {
    render(MaskedId, { masked: '1•••••89', canReveal: false, reveal: async () => 'x' });
    expect(screen.getByTestId('masked-id').textContent).toContain('1•••••89');
    expect(screen.queryByRole('button', { name: /Révéler/ })).toBeNull();
  });

  it('requires a reason of the minimum length, calls reveal with it, and marks the clear value as revealed', async () => {
    const reveal = vi.fn(async (reason: string) => {
      expect(reason).toBe('Enquête incident INC-12');
      return '1850275123456';
    });
    render(MaskedId, { masked: '1•••••56', canReveal: true, reveal });
    await fireEvent.click(screen.getByRole('button', { name: 'Révéler' }));
    const dialog = await screen.findByTestId('reveal-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Révéler l’identifiant patient');
    const reason = within(dialog).getByTestId('reveal-reason');
    await fireEvent.input(reason, { target: { value: 'court' } });
    await fireEvent.click(within(dialog).getByTestId('reveal-submit'));
    expect(reveal).not.toHaveBeenCalled();
    expect(within(dialog).getByRole('alert').textContent).toBe('Le motif doit compter au moins 10 caractères.');
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(reason, { target: { value: '  Enquête incident INC-12  ' } });
    await fireEvent.click(within(dialog).getByTestId('reveal-submit'));
    await waitFor(() => expect(screen.queryByTestId('reveal-dialog')).toBeNull());
    expect(reveal).toHaveBeenCalledTimes(1);
    const shown = screen.getByTestId('masked-id');
    expect(shown.dataset.revealed).toBe('true');
    expect(shown.textContent).toContain('1850275123456');
    expect(shown.textContent).toContain('révélé');
    await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('Masquer'));
    await fireEvent.click(screen.getByRole('button', { name: 'Masquer' }));
    expect(screen.getByTestId('masked-id').textContent).not.toContain('1850275123456');
  });

  it('shows a refused reveal with its request id and stays masked', async () => {
    render(MaskedId, {
      masked: '1•••••56',
      canReveal: true,
      reveal: async () => Promise.reject(new ApiError(403, 'auth.forbidden', 'no', 'req-9')),
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Révéler' }));
    const dialog = await screen.findByTestId('reveal-dialog');
    await fireEvent.input(within(dialog).getByTestId('reveal-reason'), {
      target: { value: 'Vérification demandée par le DPO' },
    });
    await fireEvent.click(within(dialog).getByTestId('reveal-submit'));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Référence : req-9');
    expect(screen.getByTestId('masked-id').dataset.revealed).toBe('false');
  });
});

describe('Notices', () => {
  it('announces successes politely and lets them fade; errors stay with their reference', async () => {
    vi.useFakeTimers();
    render(Notices);
    notices.success('Alerte prise en charge');
    notices.error(new ApiError(500, 'internal', 'boom', 'req-77'));
    await tick();
    const status = screen.getByRole('status');
    const alert = screen.getByRole('alert');
    expect(status.textContent).toContain('Alerte prise en charge');
    expect(alert.textContent).toContain('Une erreur est survenue.');
    expect(alert.textContent).toContain('Référence : req-77');
    vi.advanceTimersByTime(5000);
    await tick();
    expect(status.textContent).not.toContain('Alerte prise en charge');
    expect(alert.textContent).toContain('req-77');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Fermer la notification' }));
    expect(alert.textContent).not.toContain('req-77');
  });
});
