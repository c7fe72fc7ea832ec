// An analyst watches the queue while `vigie simulate --post` replays a clinic's log into a real
// server: alerts appear live, one is opened, and its explanation and evidence are on screen.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../server/actor.ts';
import { importDirectory, smallMonth } from '../server/detection/world.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

const MONTH = { staff: 60, patients: 2000, days: 12, seed: 3 };

describe('the live alert queue', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  let replay: ChildProcess | undefined;
  beforeAll(async () => {
    vigie = await startVigie();
    await importDirectory(vigie.vigie.services, smallMonth(MONTH).files);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    replay?.kill('SIGTERM');
    await browser?.close();
    await vigie?.stop();
  });

  it('shows alerts arriving while the simulator posts events, and opens one with its explanation and evidence', async () => {
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['analyst'], 'Sophie Analyste')]);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/alerts');
    await page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
    await page.getByTestId('connection').and(page.locator('[data-status="connected"]')).waitFor();
    expect(await page.locator('tr.dt-row').count()).toBe(0);

    const { token } = await vigie.vigie.services.sources.create(cliActor, {
      name: 'DPI simulé',
      kind: 'ehr',
      allowedAddresses: [],
    });
    const args = [
      '--import',
      'tsx',
      'server/cli.ts',
      'simulate',
      '--staff',
      String(MONTH.staff),
      '--patients',
      String(MONTH.patients),
      '--days',
      String(MONTH.days),
      '--seed',
      String(MONTH.seed),
      '--post',
      vigie.url,
      '--token',
      token,
      '--rate',
      '3000',
    ];
    let output = '';
    replay = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    replay.stderr!.on('data', (d) => (output += d));
    const finished = new Promise<number | null>((resolve) => replay!.on('exit', (code) => resolve(code)));

    // Alerts arrive by themselves (the analyst is at the top, nothing selected): no reload.
    await page.locator('tr.dt-row').first().waitFor({ timeout: 90_000 });
    const firstCount = await page.locator('tr.dt-row').count();
    await expect.poll(() => page.locator('tr.dt-row').count(), { timeout: 90_000 }).toBeGreaterThan(firstCount);
    await screenshot(page, 'alerts-live-fr');

    // Open one: the preview tells why, with the directory facts and the evidence events.
    const row = page.locator('tr.dt-row').filter({ hasText: 'sans séjour dans son service' }).first();
    await row.waitFor({ timeout: 90_000 });
    await row.click();
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]alert=\d+/);
    const detail = page.getByTestId('alert-detail');
    await detail.waitFor();
    await expect
      .poll(() => page.getByTestId('alert-explanation').textContent())
      .toMatch(/a consulté le dossier du patient .*•+\d\d.*sans séjour dans son service/);
    expect(await page.getByTestId('alert-evidence').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('alert-facts').textContent()).toContain('Relation de soins (7d)');
    expect(await detail.textContent()).not.toMatch(/P\d{7}/);
    await screenshot(page, 'alert-open-fr');

    await page.getByTestId('lang-en').click();
    await expect
      .poll(() => page.getByTestId('alert-explanation').textContent())
      .toMatch(/the record of patient •+\d\d/);
    await page.getByTestId('theme').selectOption('dark');
    await screenshot(page, 'alert-open-en-dark');

    expect(await finished).toBe(0);
    expect(output).toMatch(/done: \d+ events acknowledged, 0 refused/);
    expect(errors).toEqual([]);
  }, 240_000);
});
