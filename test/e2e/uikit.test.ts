// The UI kit in a real browser: a small harness page (test/e2e/uikit-harness/)
// built with Vite's build API into a temp dir and served statically — no demo
// route in the product. Screenshots: table light/dark/compact/EN with the
// new-items bar, the reveal dialog, the help sheet.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { tempDir } from '../support/config.ts';
import { startVigie } from '../support/server.ts';

const HARNESS = path.resolve('test/e2e/uikit-harness');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

async function buildHarness(): Promise<string> {
  const outDir = tempDir('vigie-uikit-');
  await build({
    root: HARNESS,
    configFile: false,
    logLevel: 'warn',
    plugins: [svelte({ configFile: false })],
    build: { outDir, emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
  });
  return outDir;
}

function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(dir, pathname);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory())
      file = path.join(dir, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

type Kit = {
  push(n: number): void;
  update(id: number, title: string): void;
  theme(t: string): void;
  compact(on: boolean): void;
  locale(l: 'fr' | 'en'): void;
  state(): {
    current: string | null;
    selected: string[];
    allResults: boolean;
    atTop: boolean;
    items: number;
    pending: number;
    query: string;
  };
};
const kit = <R>(page: Page, fn: (k: Kit) => R) =>
  page.evaluate(`(${fn.toString()})(window.kit)`) as Promise<Awaited<R>>;
const state = (page: Page) => kit(page, (k) => k.state());
const focusedKey = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-key') ?? null);

describe('UI kit in the browser', () => {
  let browser: TestBrowser;
  let site: { url: string; close: () => Promise<void> };
  const errors: string[] = [];

  beforeAll(async () => {
    site = await serve(await buildHarness());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function open(options: { colorScheme?: 'light' | 'dark' } = {}) {
    const { page } = await browser.newPage({ baseURL: site.url, ...options });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto('/');
    await page.getByRole('grid', { name: 'Alertes' }).waitFor();
    await page.locator('tr.dt-row').first().waitFor();
    return page;
  }

  it('shows a dense, virtualised table and moves with the keyboard without hiding the row under the header', async () => {
    const page = await open();
    const grid = page.getByRole('grid', { name: 'Alertes' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('2001');
    const rowHeight = await page
      .locator('tr.dt-row')
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(rowHeight).toBeGreaterThanOrEqual(32);
    expect(rowHeight).toBeLessThanOrEqual(36);

    await page.locator('tr.dt-row').first().focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('j');
    expect(await focusedKey(page)).toBe('4');
    await page.keyboard.press('k');
    expect(await focusedKey(page)).toBe('3');
    expect((await state(page)).current).toBe('3');

    // Infinite scroll: End goes to the last loaded row; the footer then asks for more.
    await page.keyboard.press('End');
    await page.waitForFunction(() => (window as any).kit.state().items >= 400);
    const rendered = await page.locator('tr.dt-row').count();
    expect(rendered).toBeLessThan(150); // virtualised: only the visible slice is in the DOM
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowUp');
    const key = await focusedKey(page);
    expect(Number(key)).toBeGreaterThan(100);
    // The focused row is fully below the sticky header.
    const [rowTop, headBottom] = await page.evaluate(() => {
      const row = document.activeElement!.getBoundingClientRect();
      const head = document.querySelector('.dt thead')!.getBoundingClientRect();
      return [row.top, head.bottom];
    });
    expect(rowTop).toBeGreaterThanOrEqual(headBottom - 1);

    await page.keyboard.press('Home');
    expect(await focusedKey(page)).toBe('1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the list still: new items wait behind the bar, rows update in place, selection survives', async () => {
    const page = await open();
    await page.locator('tr.dt-row').first().focus();
    await page.keyboard.press('j');
    await page.keyboard.press(' ');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    expect((await state(page)).selected.sort()).toEqual(['2', '3', '4']);
    await page.getByTestId('selection-bar').getByText('3 sélectionné(s)').waitFor();

    await kit(page, (k) => k.push(3));
    await kit(page, (k) => k.update(3, 'Titre mis à jour en direct'));
    await page.getByRole('button', { name: '3 Alertes — afficher' }).waitFor();
    expect(await page.locator('[data-testid="new-items"]').getAttribute('aria-live')).toBe('polite');
    await page.locator('tr[data-key="3"]').getByText('Titre mis à jour en direct').waitFor();
    expect(await focusedKey(page)).toBe('4');
    expect((await state(page)).selected.sort()).toEqual(['2', '3', '4']);
    expect(await page.locator('tr.dt-row').first().getAttribute('data-key')).toBe('1'); // did not move
    await screenshot(page, 'uikit-table-light');

    await page.getByRole('button', { name: '3 Alertes — afficher' }).click();
    expect(await page.locator('tr.dt-row').first().getAttribute('data-key')).toBe('-3');
    expect((await state(page)).pending).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('looks right in dark, high contrast, compact and English', async () => {
    const page = await open({ colorScheme: 'dark' });
    await kit(page, (k) => k.theme('dark'));
    await page.locator('tr.dt-row').nth(2).click();
    await page.keyboard.press(' ');
    await kit(page, (k) => k.push(2));
    await page.locator('tr.dt-row').nth(5).focus(); // not at the top any more? still at top: push shows at once
    await screenshot(page, 'uikit-table-dark');

    await kit(page, (k) => k.theme('contrast'));
    await screenshot(page, 'uikit-table-contrast');
    await kit(page, (k) => k.theme('light'));
    await kit(page, (k) => k.compact(true));
    const h = await page
      .locator('tr.dt-row')
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(h).toBeLessThan(31);
    await screenshot(page, 'uikit-table-compact');

    await kit(page, (k) => k.compact(false));
    await kit(page, (k) => k.locale('en'));
    await page.getByRole('grid', { name: 'Alerts' }).waitFor();
    await screenshot(page, 'uikit-table-en');
    await kit(page, (k) => k.locale('fr'));
    await page.close();
  });

  it('reveals a masked id only with a reason, traps focus in the dialog, and marks the value', async () => {
    const page = await open();
    const cell = page.locator('tr[data-key="2"]').getByTestId('masked-id');
    await cell.getByRole('button', { name: 'Révéler' }).click();
    const dialog = page.getByTestId('reveal-dialog');
    await dialog.waitFor();
    await page.getByTestId('reveal-reason').fill('Enquête');
    await page.getByTestId('reveal-submit').click();
    await dialog.getByText('Le motif doit compter au moins 10 caractères.').waitFor();
    await screenshot(page, 'uikit-reveal-dialog');
    // Tab cycles inside the dialog.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    }
    await page.getByTestId('reveal-reason').fill('Enquête sur l’incident INC-12');
    await page.getByTestId('reveal-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await cell.getByText('révélé').waitFor();
    expect(await cell.textContent()).toContain('1850275123402');
    await screenshot(page, 'uikit-revealed');
    await page.close();
  });

  it('opens the help sheet with ?, filters from a cell into the URL, previews with Enter and closes with Escape', async () => {
    const page = await open();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    await help.getByText('Ligne suivante / précédente').waitFor();
    await screenshot(page, 'uikit-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.locator('tr[data-key="2"] td[data-col="user"]').click({ button: 'right' });
    const menu = page.getByTestId('row-filter-menu');
    await menu.waitFor();
    await screenshot(page, 'uikit-cell-menu');
    await menu.getByRole('menuitem', { name: 'Exclure « Dr Ana Costa »' }).click();
    expect((await state(page)).query).toContain('not.user=Dr+Ana+Costa');
    await page.getByTestId('filter-chips').getByText('Dr Ana Costa').waitFor();

    await page.locator('tr[data-key="5"]').click();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('preview-panel');
    await panel.waitFor();
    await page.keyboard.press('j'); // the list keeps focus: the preview follows
    expect(await focusedKey(page)).toBe('6');
    await screenshot(page, 'uikit-preview');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('resizes and hides columns, remembered after a reload', async () => {
    const page = await open();
    const th = page.locator('th').filter({ hasText: 'Titre' });
    const before = await th.evaluate((el) => el.getBoundingClientRect().width);
    const handle = th.getByRole('separator');
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const after = await th.evaluate((el) => el.getBoundingClientRect().width);
    expect(after).toBeGreaterThan(before + 60);
    await handle.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await th.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThan(after);

    await page.getByTestId('columns-harness-alerts').click();
    await page.getByRole('checkbox', { name: 'Service' }).uncheck();
    await page.getByRole('button', { name: 'Monter Utilisateur' }).click();
    await page.keyboard.press('Escape');
    await page.reload();
    await page.locator('tr.dt-row').first().waitFor();
    const headers = await page.locator('thead th .dt-sort > span:first-child, thead th .dt-th-label').allTextContents();
    expect(headers).toEqual(['Heure', 'Gravité', 'Utilisateur', 'Titre', 'Patient']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is wired into the console shell: ? and the header button open the help sheet', async () => {
    const vigie = await startVigie();
    try {
      const { page, context } = await browser.newPage({ baseURL: vigie.url });
      await context.addCookies([await vigie.sessionCookie(['analyst'], 'Claire Martin')]);
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto('/alerts');
      await page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
      await page.keyboard.press('?');
      const help = page.getByTestId('shortcut-help');
      await help.getByText('Afficher cette aide').waitFor();
      await help.getByText('Aucun raccourci propre à cet écran.').waitFor();
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
      await page.getByTestId('shortcuts').click();
      await help.waitFor();
      await help.getByTestId('single-keys').uncheck();
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
      await page.keyboard.press('?'); // single keys are off now
      await page.waitForTimeout(300);
      expect(await help.count()).toBe(0);
      await page.getByTestId('shortcuts').click();
      await help.waitFor();
      await screenshot(page, 'uikit-shell-help');
      expect(errors).toEqual([]);
    } finally {
      await vigie.stop();
    }
  });
});
