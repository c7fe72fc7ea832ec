// The audit screen in a real browser: verification state, filters in the URL,
// paging, the entry preview, exports, the analyst's scope; FR, EN and dark.
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/actor.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { createUser } from '../support/factories.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

describe('the audit screen', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  beforeAll(async () => {
    vigie = await startVigie();
    browser = await launchBrowser();
    const { services } = vigie.vigie;
    const claire = await createUser(services, { roles: ['admin'], name: 'Claire Martin' });
    const paul = await createUser(services, { roles: ['analyst'], name: 'Paul Durand' });
    const user = (id: string, n: number): Actor => ({
      kind: 'user',
      id,
      roles: [],
      sessionId: 's',
      requestId: `7f3c${String(n).padStart(4, '0')}-req`,
      address: `10.20.1.${n % 250}`,
    });
    const kinds = [
      (n: number) => ({
        actor: { kind: 'system' } as Actor,
        action: 'alert.raised',
        target: { type: 'alert', id: 1000 + n },
        details: { rule: 'no-care-relationship', severity: 'high', patient: '•••••42' },
      }),
      (n: number) => ({
        actor: user(paul.id, n),
        action: 'alert.updated',
        target: { type: 'alert', id: 1000 + n - 1 },
        details: { change: 'acknowledge' },
      }),
      (n: number) => ({
        actor: user(claire.id, n),
        action: 'user.login',
        target: { type: 'session', id: `sess-${n}` },
        details: { mfa: 'totp' },
      }),
      (n: number) => ({
        actor: user(paul.id, n),
        action: 'incident.update',
        target: { type: 'incident', id: 40 + (n % 5) },
        details: { status: 'containment', from: 'triage' },
      }),
      () => ({
        actor: { kind: 'source', id: 'dpi-orbis' } as Actor,
        action: 'source.heartbeat',
        target: { type: 'source', id: 'dpi-orbis' },
        details: { accepted: 250, refused: 0 },
      }),
      (n: number) => ({
        actor: user(claire.id, n),
        action: 'rule.update',
        target: { type: 'rule', id: 'bulk-access' },
        details: { threshold: 30 + n },
      }),
    ];
    for (let n = 1; n <= 260; n++) {
      await services.db.transaction().execute((trx) => services.audit.record(trx, kinds[n % kinds.length]!(n)));
    }
    await services.auditSealer.sealNow();
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.stop();
  });

  const pageFor = async (
    roles: ('admin' | 'analyst')[],
    options: { locale?: string; colorScheme?: 'light' | 'dark'; lang?: 'fr' | 'en' } = {},
  ) => {
    const { page, context } = await browser.newPage({
      baseURL: vigie.url,
      locale: options.locale,
      colorScheme: options.colorScheme,
    });
    await context.addCookies([
      await vigie.sessionCookie(roles, roles.includes('admin') ? 'Claire Martin' : 'Paul Durand'),
    ]);
    if (options.lang) await context.addInitScript((lang) => localStorage.setItem('vigie.locale', lang), options.lang);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    return { page, errors };
  };

  it('admin: intact chain, newest first, filters in the URL, the entry preview, exports', async () => {
    const { page, errors } = await pageFor(['admin']);
    await page.goto('/audit');
    await page.getByRole('heading', { name: 'Piste d’audit', level: 1 }).waitFor();
    const verify = page.getByTestId('audit-verify');
    await verify.and(page.locator('[data-state="intact"]')).waitFor();
    await expect(verify.textContent()).resolves.toMatch(/Chaîne intacte — 260 entrées vérifiées, dernière n° 260/);
    await page.getByRole('row').nth(1).getByText('260', { exact: true }).waitFor();
    await expect(page.getByRole('row').nth(1).textContent()).resolves.toMatch(/\(UTC\+1\)/);
    await screenshot(page, 'audit-fr');

    // Paging: the next page comes when the list is scrolled to its end.
    await expect(page.locator('[data-testid="table-audit"] tbody tr.dt-row').count()).resolves.toBe(100);
    await page.waitForFunction(
      () => {
        const scroller = document.querySelector('[data-testid="table-audit"] .dt-scroll')!;
        scroller.scrollTo(0, scroller.scrollHeight);
        return document.querySelector('[data-testid="table-footer"]')?.getAttribute('data-status') === 'end';
      },
      undefined,
      { polling: 250 },
    );
    await page.getByText('260 affichés').waitFor();

    // A filter from the select: a family of actions, kept in the URL.
    await page.getByTestId('filter-action').selectOption('user.');
    await page.waitForURL(/action=user\./);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="table-audit"] tbody tr.dt-row')].every((r) =>
        r.textContent?.includes('user.login'),
      ),
    );
    const csv = await page.getByTestId('audit-export-csv').getAttribute('href');
    expect(csv).toBe('/api/v1/audit/export?action=user.&format=csv');
    const exported = await page.evaluate(async (href) => (await fetch(href!)).text(), csv);
    const lines = exported.split('\r\n').filter(Boolean);
    expect(
      lines.slice(1).map((l) => l.split(',')[7]),
      lines.join('\n'),
    ).toEqual(Array(44).fill('user.login'));

    // The preview of one entry, opened with Enter; its number goes to the URL.
    await page.locator('[data-testid="table-audit"] tbody tr.dt-row').first().click();
    await page.keyboard.press('Enter');
    await page.getByTestId('preview-panel').waitFor();
    await page.waitForURL(/entry=\d+/);
    await expect(page.getByTestId('audit-entry').textContent()).resolves.toContain('Claire Martin');
    await screenshot(page, 'audit-fr-preview');
    await page.keyboard.press('Escape');
    await page.getByTestId('preview-panel').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('English and dark theme', async () => {
    const { page, errors } = await pageFor(['admin'], { lang: 'en', colorScheme: 'dark' });
    await page.goto('/audit?action=incident.update');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByTestId('audit-verify').and(page.locator('[data-state="intact"]')).waitFor();
    await page.getByRole('row').nth(1).getByText('incident.update').waitFor();
    await screenshot(page, 'audit-en-dark');
    expect(errors).toEqual([]);
  });

  it('analyst: only what concerns incidents, no verification panel', async () => {
    const { page, errors } = await pageFor(['analyst']);
    await page.goto('/audit');
    await page.getByTestId('audit-scope').waitFor();
    await page.getByRole('row').nth(1).waitFor();
    const text = await page.locator('[data-testid="table-audit"] tbody').textContent();
    expect(text).toMatch(/alert\.raised/);
    expect(text).not.toMatch(/user\.login|rule\.update|source\.heartbeat/);
    expect(await page.getByTestId('audit-verify').count()).toBe(0);
    await screenshot(page, 'audit-fr-analyst');
    expect(errors).toEqual([]);
  });

  it('a row edited in the database shows the chain broken at that entry', async () => {
    const raw = new SqliteDatabase(path.join(vigie.config.dataDir, 'vigie.db'));
    raw.exec('drop trigger audit_entries_no_update');
    raw.prepare('update audit_entries set details = \'{"threshold":1}\' where seq = 137').run();
    raw.close();
    const { page } = await pageFor(['admin']);
    await page.goto('/audit');
    const verify = page.getByTestId('audit-verify');
    await verify.and(page.locator('[data-state="broken"]')).waitFor();
    const said = (await verify.textContent())!.replace(/\s+/g, ' ');
    expect(said).toContain('Chaîne rompue à l’entrée n° 137 : l’entrée a été modifiée après son écriture.');
    await verify.getByRole('button', { name: 'Voir l’entrée n° 137' }).click();
    await page.waitForURL(/entry=137/);
    await screenshot(page, 'audit-fr-broken');
    await page.getByTestId('audit-entry').getByText('threshold').waitFor();
    await screenshot(page, 'audit-fr-broken');
  });
});
