import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

describe('the console shell', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  beforeAll(async () => {
    vigie = await startVigie();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.stop();
  });

  it('loads in French, goes live, switches to English, and shows placeholders as such', async () => {
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['analyst', 'admin'], 'Claire Martin')]);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto('/');
    await page.waitForURL('**/alerts');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await expect(nav.getByRole('link', { name: 'Alertes' }).getAttribute('aria-current')).resolves.toBe('page');
    for (const label of ['Incidents', 'Notifications', 'Journal des accès', 'Audit', 'Administration']) {
      await nav.getByRole('link', { name: label }).waitFor();
    }
    await page.getByTestId('connection').and(page.locator('[data-status="connected"]')).waitFor();
    await page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
    await screenshot(page, 'shell-fr');

    await page.getByTestId('lang-en').click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('link', { name: 'Access log' }).click();
    await page.waitForURL('**/access-log');
    await page.getByRole('heading', { name: 'Access log', level: 1 }).waitFor();
    await page.getByTestId('connection').getByText('Live').waitFor();
    await screenshot(page, 'shell-en');

    await page.getByTestId('theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'shell-dark');

    await page.reload();
    await page.getByRole('heading', { name: 'Access log', level: 1 }).waitFor(); // language and theme remembered
    expect(errors).toEqual([]);
  });
});
