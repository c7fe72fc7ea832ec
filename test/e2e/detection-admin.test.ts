// An admin imports the directory (a file with a bad row: preview, then partial import) and adjusts a rule.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { tempDir } from '../support/config.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

describe('directory and rules administration', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  beforeAll(async () => {
    vigie = await startVigie({ VIGIE_DETECTOR: 'false' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.stop();
  });

  it('checks a staff file, shows the refused row with its reason, imports the good rows; turns a rule off', async () => {
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['admin'], 'Alex Admin')]);
    const file = path.join(tempDir('vigie-e2e-dir-'), 'personnel.csv');
    fs.writeFileSync(
      file,
      'id;givenName;familyName;department;profession;lastLoginAt\ncmartin;Claire;Martin;Cardiologie;Médecin;2026-03-01T08:00:00+01:00\njdurand;Julie;;Cardiologie;Infirmier;\nplu;Paul;Lu;Urgences;Infirmier;2026-03-01 08:00\n',
    );
    await page.goto('/admin/directory');
    await page.getByRole('heading', { name: 'Annuaire', level: 2 }).waitFor();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    const report = page.getByTestId('import-report');
    await report.getByText('3 lignes : 1 valides').waitFor();
    expect(await report.textContent()).toContain('familyName: required');
    expect(await report.textContent()).toContain('lastLoginAt: a date YYYY-MM-DD or a time with its offset');
    expect(await page.getByTestId('import-commit').isDisabled()).toBe(true);
    await screenshot(page, 'directory-preview-fr');
    await page.getByLabel('Importer les lignes correctes et signaler les autres').check();
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByTestId('import-commit').click();
    await page.getByText('personnel.csv importé : 1 nouvelles lignes').waitFor();
    // The markup's line breaks between a term and its count are not shown: compare without white space.
    await expect
      .poll(async () => ((await page.getByTestId('directory-counts').textContent()) ?? '').replace(/\s+/g, ''))
      .toContain('Personnel1');

    await page.goto('/admin/rules');
    const rule = page.getByTestId('rule-off-hours');
    await rule.waitFor();
    await rule.getByLabel('Active').uncheck();
    await rule.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Règle « Activité en dehors des horaires habituels » enregistrée.').waitFor();
    expect(await rule.textContent()).toMatch(/Modifiée par Alex Admin le \d\d\/\d\d\/\d{4} /);
    await screenshot(page, 'rules-admin-fr');
    const { items } = (await (await page.request.get('/api/v1/rules')).json()) as {
      items: { id: string; enabled: boolean }[];
    };
    expect(items.find((i) => i.id === 'off-hours')!.enabled).toBe(false);
  }, 120_000);
});
