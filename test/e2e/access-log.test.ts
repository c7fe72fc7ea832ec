// The access-log explorer in a real browser: search by user and by period,
// a patient's timeline, reveal a patient id with a reason; and the sources
// administration (a token shown once). Screenshots in FR, EN and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../server/actor.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { startVigie, type RunningVigie } from '../support/server.ts';

const HOUR = 3_600_000;
const USERS = ['u-martin', 'u-bernard', 'u-costa'];
const DEPARTMENTS = ['cardiologie', 'urgences', 'pédiatrie'];

/** ISO with the Paris offset as an EHR would write it (UTC+1 in winter, +2 in summer). */
function parisIso(ms: number): string {
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'shortOffset' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')!.value;
  const hours = Number(/GMT([+-]\d+)?/.exec(offset)?.[1] ?? 0);
  const local = new Date(ms + hours * HOUR).toISOString().slice(0, 19);
  return `${local}${hours >= 0 ? '+' : '-'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}

describe('access-log explorer', () => {
  let vigie: RunningVigie;
  let browser: TestBrowser;
  const now = Date.now();
  beforeAll(async () => {
    vigie = await startVigie();
    browser = await launchBrowser();
    const { token } = await vigie.vigie.services.sources.create(cliActor, { name: 'DxCare', kind: 'ehr' });
    // 72 accesses over the last three days, one an hour.
    const records = Array.from({ length: 72 }, (_, i) => ({
      time: parisIso(now - (i + 1) * HOUR),
      user: USERS[i % 3],
      action: i === 5 ? 'break_glass' : i % 9 === 0 ? 'update' : 'read',
      patient: `P${String(4500 + (i % 12)).padStart(7, '0')}`,
      application: 'DxCare',
      workstation: `WS-${DEPARTMENTS[i % 3]!.slice(0, 4).toUpperCase()}-0${i % 4}`,
      address: `10.1.${i % 3}.${20 + i}`,
      department: DEPARTMENTS[i % 3],
      ...(i === 5 ? { context: { reason: 'urgence vitale' } } : {}),
    }));
    const res = await fetch(`${vigie.url}/api/v1/ingest/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
      body: records.map((r) => JSON.stringify(r)).join('\n'),
    });
    expect(await res.json()).toEqual({ accepted: 72, rejected: [] });
  });
  afterAll(async () => {
    await browser?.close();
    await vigie?.stop();
  });

  it('searches by user and by period, opens a patient timeline, and reveals a patient id with a reason', async () => {
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['analyst'], 'Claire Martin')]);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto('/access-log');
    await page.getByRole('heading', { name: 'Journal des accès', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('72 accès');

    // By user: the filter writes the URL, the list and the count follow.
    await page.getByTestId('filter-user').fill('u-bernard');
    await page.getByTestId('filter-user').press('Enter');
    await page.waitForURL(/user=u-bernard/);
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('24 accès');
    const users = await page.getByTestId('user-timeline').allTextContents();
    expect(new Set(users)).toEqual(new Set(['u-bernard']));

    // And by period: the last 12 hours in Paris time.
    const from = new Date(now - 12 * HOUR - 30 * 60_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .format(from)
      .replace(' ', 'T');
    await page.getByTestId('period-from').fill(local);
    await page.getByTestId('period-from').dispatchEvent('change');
    await page.waitForURL(/from=/);
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('4 accès');
    await screenshot(page, 'access-log-user-period');

    // A patient's timeline in one click, without revealing the identifier.
    await page.getByTestId('patient-timeline').first().click();
    await page.waitForURL(/patientOf=\d+/);
    expect(page.url()).not.toMatch(/user=|from=/);
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('6 accès');
    await page.getByText(/celui de l’accès n° \d+/).waitFor();

    // Reveal with a reason: the clear id appears, marked as revealed.
    const masked = page.getByTestId('masked-id').first();
    expect(await masked.textContent()).toMatch(/•+\d\d/);
    await masked.getByRole('button', { name: 'Révéler' }).click();
    await page.getByTestId('reveal-reason').fill('Enquête incident INC-2026-014');
    await page.getByTestId('reveal-submit').click();
    await expect.poll(() => masked.getAttribute('data-revealed')).toBe('true');
    expect(await masked.textContent()).toMatch(/P000450\d|P000451\d/);
    await screenshot(page, 'access-log-revealed');

    const audit = await vigie.store.db
      .selectFrom('audit_entries')
      .select(['action', 'details'])
      .where('action', '=', 'access_event.revealed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details).reason).toBe('Enquête incident INC-2026-014');

    // A search by clear patient identifier ties it to masked rows: it asks why first, and is audited with the masked value.
    await page.goto('/access-log');
    await page.getByTestId('filter-patient').fill('P0004503');
    await page.getByTestId('filter-patient').press('Enter');
    await page.getByTestId('patient-search-reason').waitFor();
    await screenshot(page, 'access-log-patient-reason');
    expect(await page.getByTestId('access-count').textContent()).not.toBe('6 accès');
    await page
      .getByTestId('patient-search-reason')
      .getByRole('textbox')
      .fill('Plainte de la patiente, dossier DPO-2026-031');
    await page.getByTestId('patient-search-reason').getByRole('button').click();
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('6 accès');
    await screenshot(page, 'access-log-patient-search');
    const searched = await vigie.store.db
      .selectFrom('audit_entries')
      .select('details')
      .where('action', '=', 'access_events.patient_searched')
      .execute();
    expect(searched).toHaveLength(1);
    expect(searched[0]!.details).toContain('Plainte de la patiente');
    expect(searched[0]!.details).not.toContain('P0004503');

    // The preview panel, in English and in the dark theme.
    await page.goto('/access-log?action=break_glass');
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('1 accès');
    await page.getByTestId('lang-en').click();
    await page.getByRole('heading', { name: 'Access log', level: 1 }).waitFor();
    await page.getByRole('row').nth(1).click();
    await page.keyboard.press('Enter');
    await page.getByText(/Access no\. \d+/).waitFor();
    await page.getByTestId('theme').selectOption('dark');
    await screenshot(page, 'access-log-preview-en-dark');
    expect(errors).toEqual([]);
  });

  it('lets an admin create a source whose token is shown once', async () => {
    const { page, context } = await browser.newPage({ baseURL: vigie.url });
    await context.addCookies([await vigie.sessionCookie(['admin'], 'Admin SI')]);
    await page.goto('/admin/sources');
    await page.getByTestId('sources-table').waitFor();
    await page.getByTestId('source-new').click();
    await page.getByTestId('source-name').fill('Serveurs Linux');
    await page.getByTestId('source-kind').selectOption('syslog');
    await page.getByTestId('source-addresses').fill('10.1.0.0/24, 10.1.5.12');
    await page.getByTestId('source-create').click();
    const token = await page.getByTestId('issued-token').inputValue();
    expect(token).toMatch(/^vgi_/);
    await screenshot(page, 'sources-token-once');
    await page.getByTestId('token-done').click();
    const row = page.locator('[data-testid="source-row"][data-name="Serveurs Linux"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(token.slice(0, 10));
    expect(await page.content()).not.toContain(token);
    await screenshot(page, 'sources-list');
  });
});
