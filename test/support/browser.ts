// Debian's Chromium driven by playwright-core. Never downloads a browser.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { testEnvironment } from '../../server/config.ts';

export const SCREENSHOTS = path.resolve('test-results/screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TestBrowser {
  browser: Browser;
  newPage(options?: {
    baseURL?: string;
    locale?: string;
    colorScheme?: 'light' | 'dark';
  }): Promise<{ page: Page; context: BrowserContext }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright gives every launch a fresh, empty profile directory of its own
  // (it refuses --user-data-dir with launch()), and removes it on close.
  const browser = await chromium.launch({
    executablePath: testEnvironment().chromium,
    headless: true,
    args: FLAGS,
  });
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: options.baseURL,
        locale: options.locale ?? 'fr-FR',
        timezoneId: 'Europe/Paris',
        colorScheme: options.colorScheme ?? 'light',
        viewport: { width: 1440, height: 900 },
      });
      return { page: await context.newPage(), context };
    },
    async close() {
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
