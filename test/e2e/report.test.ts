// A staff member reports an incident in plain words and follows it; an analyst watching the queue
// sees the report arrive live and opens it: the reporter's name and words, the patients masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

describe('a staff report, from the reporter to the analysts’ queue', () => {
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

  it('files a report, confirms it, lists it with its status, and the analyst sees it live and opens it', async () => {
    const errors: string[] = [];
    // The analyst watches the queue first.
    const analyst = await browser.newPage({ baseURL: vigie.url });
    await analyst.context.addCookies([await vigie.sessionCookie(['analyst'], 'Sophie Analyste')]);
    analyst.page.on('pageerror', (e) => errors.push(e.message));
    await analyst.page.goto('/alerts');
    await analyst.page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
    await analyst.page.getByTestId('connection').and(analyst.page.locator('[data-status="connected"]')).waitFor();
    expect(await analyst.page.locator('tr.dt-row').count()).toBe(0);

    // A reporter lands on the report screen.
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['reporter'], 'Marie Curie')]);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/');
    await page.waitForURL(/\/report$/);
    await page.getByRole('heading', { name: 'Signaler un incident', level: 1 }).waitFor();
    await page.getByText('Vous n’avez encore rien signalé.').waitFor();

    // A refused field is named: the server answers 400 for a description of only spaces.
    await page.getByLabel('En une phrase, que s’est-il passé ?').fill('Un dossier ouvert sans raison');
    await page.getByLabel('Racontez ce que vous avez vu').fill('   ');
    await page.getByTestId('report-send').click();
    await expect.poll(() => page.locator('#report-error').textContent()).toContain('Décrivez ce qui s’est passé');
    expect(await page.getByTestId('report-description').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Accès illégitime à un dossier patient').check();
    await page
      .getByLabel('Racontez ce que vous avez vu')
      .fill(
        'Ce matin vers 8 h, un collègue du service de nuit a ouvert le dossier de Mme Durandal, qui est hospitalisée en cardiologie.\nIl m’a dit que c’était sa voisine.',
      );
    expect(await page.getByTestId('report-description').getAttribute('aria-invalid')).toBe('false');
    expect(await page.locator('#report-error').count()).toBe(0);
    await page.getByLabel('Quand est-ce arrivé ?').fill('2026-03-12T08:05');
    await expect
      .poll(() => page.locator('#report-occurred-read').textContent())
      .toContain('12/03/2026 08:05:00 (UTC+1)');
    await page.getByLabel('Patients concernés').fill('Mme Durandal, chambre 214');
    await page.getByLabel('C’est urgent').check();
    await screenshot(page, 'report-form-fr');
    await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'report-form-top-fr');

    await page.getByTestId('report-send').click();
    const sent = page.getByTestId('report-sent');
    await sent.waitFor();
    expect(await sent.textContent()).toContain('Merci, votre signalement est envoyé');
    expect(await sent.textContent()).toMatch(/\(UTC\+[12]\)/);
    const mine = page.getByTestId('my-report');
    await mine.first().waitFor();
    expect(await mine.count()).toBe(1);
    expect(await mine.first().textContent()).toMatch(
      /Un dossier ouvert sans raison.*Accès illégitime.*urgent.*12\/03\/2026 08:05:00 \(UTC\+1\).*Reçu/s,
    );
    expect(await page.textContent('body')).not.toContain('Durandal, chambre');
    await screenshot(page, 'report-sent-fr');

    await page.getByTestId('lang-en').click();
    await page.getByTestId('report-another').click();
    await page.getByRole('heading', { name: 'Report an incident', level: 1 }).waitFor();
    await page.getByTestId('theme').selectOption('dark');
    expect(await mine.first().textContent()).toContain('Received');
    await screenshot(page, 'report-form-en-dark');

    // The analyst's queue took it by itself (at the top, nothing selected).
    const row = analyst.page.locator('tr.dt-row').filter({ hasText: 'Signalement de Marie Curie' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/Élevée|élevée/);
    expect(await row.textContent()).not.toContain('Durandal');
    await screenshot(analyst.page, 'report-queue-fr');
    await row.click();
    await analyst.page.keyboard.press('Enter');
    await analyst.page.waitForURL(/[?&]alert=\d+/);
    const report = analyst.page.getByTestId('alert-report');
    await report.waitFor();
    expect(await analyst.page.getByTestId('alert-reporter').textContent()).toBe('Marie Curie');
    expect(await analyst.page.getByTestId('alert-report-description').textContent()).toMatch(
      /^Ce matin vers 8 h, un collègue du service de nuit a ouvert le dossier de •+al, qui est hospitalisée en cardiologie\.\nIl m’a dit que c’était sa voisine\.$/,
    );
    expect(await report.textContent()).toContain('12/03/2026 08:05:00 (UTC+1)');
    expect(await analyst.page.getByTestId('alert-detail').textContent()).not.toContain('Durandal');
    await screenshot(analyst.page, 'report-alert-fr');

    // The analyst reveals the patients concerned, giving a reason.
    await report.getByRole('button', { name: 'Révéler' }).click();
    await analyst.page.getByRole('dialog').getByRole('textbox').fill('Enquête sur le signalement reçu ce matin');
    await analyst.page.getByRole('dialog').getByRole('button', { name: 'Révéler' }).click();
    await expect.poll(() => report.textContent()).toContain('Mme Durandal, chambre 214');

    await analyst.page.getByTestId('lang-en').click();
    await analyst.page.getByTestId('theme').selectOption('dark');
    await expect
      .poll(() => analyst.page.getByTestId('alert-explanation').textContent())
      .toContain('Report from Marie Curie: Un dossier ouvert sans raison (marked urgent)');
    await screenshot(analyst.page, 'report-alert-en-dark');
    expect(errors).toEqual([]);
  }, 120_000);
});
