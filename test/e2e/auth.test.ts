// The first day of a Vigie: first-run setup link → enrolment of the first
// administrator (password, authenticator, recovery codes) → logout → login
// with a fresh TOTP code → the shell. Then the account page and the user
// administration, in French, English and the dark theme.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceFirstRun } from '../../server/auth/setup.ts';
import { authenticatorFromSecret, type Authenticator } from '../support/authenticator.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

const PASSWORD = 'Phare-Brumeux-Sur-Ouessant-29';

/** Waits until the authenticator shows a code of a step later than `afterStep`. */
async function freshCode(app: Authenticator, afterStep: number): Promise<string> {
  while (Math.floor(Date.now() / 30_000) <= afterStep) await new Promise((r) => setTimeout(r, 250));
  return app.codeAt(Date.now());
}

describe('accounts and login in the browser', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    vigie = await startVigie();
    browser = await launchBrowser();
    ({ page } = await browser.newPage({ baseURL: vigie.url }));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on(
      'console',
      (m) =>
        m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text()) && errors.push(m.text()),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.stop();
  });

  it('walks first-run setup → enrolment → logout → login with a fresh TOTP code → the shell', async () => {
    const printed: string[] = [];
    const link = await announceFirstRun(vigie.vigie.services, (s) => printed.push(s));
    expect(link).toMatch(new RegExp(`^${vigie.url}/enrol/[A-Za-z0-9_-]{43}$`));

    // Step 1: who the first administrator is, and a password.
    await page.goto(link!);
    await page.getByRole('heading', { name: /Première mise en service/ }).waitFor();
    await page.getByLabel('Nom complet').fill('Claire Martin');
    await page.getByLabel('Adresse e-mail').fill('claire.martin@clinique.test');
    await page.getByLabel('Nouveau mot de passe').fill('azertyuiop123');
    await page.getByLabel('Confirmer le mot de passe').fill('azertyuiop123');
    await screenshot(page, 'auth-01-setup-password');
    await page.getByTestId('password-next').click();
    await page
      .getByRole('alert')
      .getByText(/trop courant/)
      .waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('enrol-password');
    await screenshot(page, 'auth-02-setup-password-refused');
    await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
    await page.getByLabel('Confirmer le mot de passe').fill(PASSWORD);
    await page.getByTestId('password-next').click();

    // Step 2: the QR code, and the key to type by hand (what this test does, as a phone app would).
    await page.getByTestId('totp-qr').waitFor();
    const qrSrc = await page.getByTestId('totp-qr').getAttribute('src');
    expect(qrSrc).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const app = authenticatorFromSecret(secret);
    await screenshot(page, 'auth-03-setup-totp');
    const enrolStep = Math.floor(Date.now() / 30_000);
    await page.getByLabel('Code affiché par l’application').fill(app.codeAt(Date.now()));
    await page.getByTestId('totp-confirm').click();

    // Step 3: ten recovery codes, shown once; going on needs "I have saved them".
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    expect(await page.getByTestId('enrol-finish').isDisabled()).toBe(true);
    await screenshot(page, 'auth-04-setup-recovery-codes');
    await page.getByTestId('codes-saved').check();
    await page.getByTestId('enrol-finish').click();

    // The shell, as the new administrator.
    await page.getByTestId('logout').waitFor();
    await page.getByRole('link', { name: 'Claire Martin' }).waitFor();
    await screenshot(page, 'auth-05-shell-after-enrolment');

    // Logout, then the login screen.
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Connexion', level: 1 }).waitFor();
    await page.getByLabel('Adresse e-mail').fill('claire.martin@clinique.test');
    await page.getByLabel('Mot de passe').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');
    await screenshot(page, 'auth-06-login-error');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await screenshot(page, 'auth-07-login');
    await page.getByTestId('login-submit').click();

    // The code step, with a code of a later step than the one enrolment used.
    await page.getByRole('heading', { name: 'Code de vérification' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-code');
    await screenshot(page, 'auth-08-login-code');
    await page.getByLabel('Code à 6 chiffres').fill(await freshCode(app, enrolStep));
    await page.getByTestId('code-submit').click();
    await page.getByTestId('logout').waitFor();
    await page.getByTestId('connection').and(page.locator('[data-status="connected"]')).waitFor();
    await screenshot(page, 'auth-09-shell');
    expect(errors).toEqual([]);
  });

  it('shows the user administration: invite gives a link shown once', async () => {
    await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'Utilisateurs', level: 2 }).waitFor();
    await page.getByTestId('invite-open').click();
    await page.getByLabel('Nom').fill('Nadia Benali');
    await page.getByLabel('E-mail').fill('nadia.benali@clinique.test');
    await page.getByLabel('Approbateur').or(page.getByLabel('Valideur')).check();
    await page.getByTestId('invite-submit').click();
    const link = await page.getByTestId('enrolment-link').inputValue();
    expect(link).toMatch(/\/enrol\/[A-Za-z0-9_-]{43}$/);
    await page.getByRole('cell', { name: 'nadia.benali@clinique.test' }).waitFor();
    await screenshot(page, 'auth-10-admin-users');
    await page.getByRole('button', { name: 'Actions — Nadia Benali' }).click();
    await page.getByRole('menuitem', { name: /Désactiver/ }).waitFor();
    await screenshot(page, 'auth-11-admin-users-menu');
    await page.getByRole('menuitem', { name: /Désactiver/ }).click();
    await page.getByRole('alertdialog').waitFor();
    await screenshot(page, 'auth-12-admin-users-confirm');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Désactiver' }).click();
    await page
      .getByRole('row', { name: /Nadia Benali/ })
      .getByText('Désactivé')
      .waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the account page in English and in the dark theme', async () => {
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
    await page.getByText('Cette session').waitFor();
    await screenshot(page, 'auth-13-account');
    await page.getByTestId('lang-en').click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByTestId('theme').selectOption('dark');
    await screenshot(page, 'auth-14-account-en-dark');
    await page.getByTestId('logout').click();
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    await screenshot(page, 'auth-15-login-en-dark');
    expect(errors).toEqual([]);
  });
});
