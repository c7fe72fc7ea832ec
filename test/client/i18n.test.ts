import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogs } from '../../client/src/lib/i18n/catalog.ts';
import { i18n, t } from '../../client/src/lib/i18n/i18n.svelte.ts';

describe('message catalogues', () => {
  it('have the same keys in French and English, none empty', () => {
    expect(Object.keys(catalogs.en).sort()).toEqual(Object.keys(catalogs.fr).sort());
    for (const [locale, messages] of Object.entries(catalogs)) {
      for (const [key, text] of Object.entries(messages)) expect(text.trim(), `${locale}:${key}`).not.toBe('');
    }
  });
  it('keep the same placeholders in both languages', () => {
    for (const key of Object.keys(catalogs.fr) as (keyof typeof catalogs.fr)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(catalogs.en[key]), key).toEqual(names(catalogs.fr[key]));
    }
  });
  it('label every param of the rule files (the rules screen shows these labels)', () => {
    const names = new Set(
      fs
        .readdirSync('rules')
        .flatMap((f) =>
          Object.keys((parse(fs.readFileSync(`rules/${f}`, 'utf8')) as { params?: object }).params ?? {}),
        ),
    );
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(Object.keys(catalogs.fr), name).toContain(`rules.param.${name}`);
  });
  it('speak French first, and switch to English', () => {
    expect(i18n.locale).toBe('fr');
    expect(t('nav.alerts')).toBe('Alertes');
    i18n.set('en');
    expect(t('nav.alerts')).toBe('Alerts');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('vigie.locale')).toBe('en');
    i18n.set('fr');
  });
});
