// The login screen as a keyboard or screen-reader user meets it: labelled
// fields, the error announced and tied to the field, focus moved to the code.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/src/lib/api.ts';
import { errorText } from '../../client/src/lib/auth-errors.ts';
import { session } from '../../client/src/lib/state/session.svelte.ts';
import LoginScreen from '../../client/src/screens/login/LoginScreen.svelte';

function answer(status: number, body: unknown) {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('login screen', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('says a generic error, ties it to the password field and puts the focus there', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValue(answer(401, { error: { code: 'auth.invalid_credentials', message: 'x', requestId: 'r' } }));
    vi.stubGlobal('fetch', fetch);
    render(LoginScreen);
    await fireEvent.input(screen.getByLabelText('Adresse e-mail'), { target: { value: 'a@b.fr' } });
    await fireEvent.input(screen.getByLabelText('Mot de passe'), { target: { value: 'secret-secret' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continuer' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Adresse e-mail ou mot de passe incorrect.');
    const password = screen.getByLabelText('Mot de passe') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(password));
    expect(password.value).toBe('');
    expect(password.getAttribute('aria-describedby')).toBe(alert.id);
    expect(JSON.parse(fetch.mock.calls[0]![1].body)).toEqual({ email: 'a@b.fr', password: 'secret-secret' });
  });

  it('goes to the code step with the focus on the code, switches to a recovery code, and logs in', async () => {
    const me = {
      user: { id: 'u', email: 'a@b.fr', name: 'A', locale: 'fr' },
      roles: ['analyst'],
      permissions: [],
      session: { id: 's', expiresAt: 1 },
    };
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(answer(200, { next: 'mfa' }))
      .mockResolvedValueOnce(answer(200, me));
    vi.stubGlobal('fetch', fetch);
    render(LoginScreen);
    await fireEvent.input(screen.getByLabelText('Adresse e-mail'), { target: { value: 'a@b.fr' } });
    await fireEvent.input(screen.getByLabelText('Mot de passe'), { target: { value: 'secret-secret' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continuer' }));
    const code = await screen.findByLabelText('Code à 6 chiffres');
    await waitFor(() => expect(document.activeElement).toBe(code));
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    await fireEvent.click(screen.getByRole('button', { name: 'Utiliser un code de secours' }));
    const recovery = await screen.findByLabelText('Code de secours');
    await waitFor(() => expect(document.activeElement).toBe(recovery));
    await fireEvent.input(recovery, { target: { value: 'ABCD-EFGH-JKMN-PQRS' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Vérifier' }));
    await waitFor(() => expect(session.status).toBe('authenticated'));
    expect(fetch.mock.calls[1]![0]).toBe('/api/v1/auth/mfa');
  });

  it('explains a lock with the minutes to wait', () => {
    expect(errorText(new ApiError(429, 'auth.locked', 'x', 'r', { retryAfterSeconds: 290 }))).toBe(
      'Trop de tentatives échouées. Réessayez dans 5 min.',
    );
    expect(errorText(new ApiError(400, 'password.common', 'x'))).toMatch(/trop courant/);
    expect(errorText(new ApiError(500, 'internal', 'boom'))).toBe('Une erreur est survenue.');
  });
});
