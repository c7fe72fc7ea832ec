// The users admin screen offers nothing that would widen access by default:
// an invitation starts as a reporter (Déclarant) only, and an administrator is
// not offered to change their own roles (the server refuses it: user.own_roles).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../client/src/lib/state/session.svelte.ts';
import InviteForm from '../../client/src/screens/admin/users/InviteForm.svelte';
import UsersSection from '../../client/src/screens/admin/users/UsersSection.svelte';

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const user = (id: string, name: string, roles: string[]) => ({
  id,
  email: `${id}@clinique.test`,
  name,
  status: 'active',
  roles,
  mfaEnrolled: true,
  createdAt: 1,
  lastLoginAt: null,
  lockedUntil: null,
  linkExpiresAt: null,
});

describe('users admin screen', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('starts an invitation with Déclarant only ticked, and sends that', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValue(
        answer(201, { user: { email: 'n@clinique.test' }, enrolmentUrl: 'https://v/enrol/x', expiresAt: 1 }),
      );
    vi.stubGlobal('fetch', fetch);
    const onInvited = vi.fn();
    render(InviteForm, { onInvited, onCancel: () => {} });
    const ticked = Object.fromEntries(
      ['Déclarant', 'Analyste', 'Valideur', 'Administrateur'].map((name) => [
        name,
        (screen.getByLabelText(name) as HTMLInputElement).checked,
      ]),
    );
    expect(ticked).toEqual({ Déclarant: true, Analyste: false, Valideur: false, Administrateur: false });
    await fireEvent.input(screen.getByLabelText('Nom'), { target: { value: 'Nadia' } });
    await fireEvent.input(screen.getByLabelText('E-mail'), { target: { value: 'n@clinique.test' } });
    await fireEvent.click(screen.getByTestId('invite-submit'));
    await waitFor(() => expect(onInvited).toHaveBeenCalled());
    expect(JSON.parse(fetch.mock.calls[0]![1].body).roles).toEqual(['reporter']);
  });

  it('offers to change the roles of others, not one’s own', async () => {
    session.set({
      user: { id: 'me', email: 'me@clinique.test', name: 'Moi', locale: 'fr' },
      roles: ['admin'],
      permissions: ['users:manage'],
      session: { id: 's', expiresAt: 1 },
    });
    vi.stubGlobal(
      'fetch',
      vi
        .fn()
        .mockImplementation(async () =>
          answer(200, { items: [user('me', 'Moi', ['admin']), user('other', 'Autre', ['analyst'])] }),
        ),
    );
    render(UsersSection);
    const menuOf = async (name: string) => {
      const trigger = await screen.findByRole('button', { name: `Actions — ${name}` });
      await fireEvent.pointerDown(trigger, { button: 0, pointerType: 'mouse' });
      await fireEvent.keyDown(trigger, { key: 'Enter' });
      const items = await screen.findAllByRole('menuitem');
      const found = items.map((i) => ({
        text: i.textContent?.trim(),
        disabled: i.hasAttribute('data-disabled') || i.getAttribute('aria-disabled') === 'true',
      }));
      await fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
      await waitFor(() => expect(screen.queryAllByRole('menuitem')).toEqual([]));
      return found;
    };
    const own = await menuOf('Moi');
    expect(own.find((i) => i.text?.startsWith('Rôles'))).toBeUndefined();
    expect(own).toContainEqual({ text: 'Vos rôles : un autre administrateur les change', disabled: true });
    const others = await menuOf('Autre');
    expect(others).toContainEqual({ text: 'Rôles…', disabled: false });
  });
});
