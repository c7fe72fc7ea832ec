import { catalogs, LOCALES, type Locale, type MessageKey } from './catalog.ts';

const STORAGE_KEY = 'vigie.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    /* storage unavailable */
  }
  return 'fr';
}

class I18n {
  locale = $state<Locale>(initialLocale());

  set(locale: Locale) {
    this.locale = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* storage unavailable */
    }
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }
}

export const i18n = new I18n();

/** The message in the current locale, with `{name}` placeholders filled. Reactive in templates. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text: string = catalogs[i18n.locale][key] ?? catalogs.fr[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type { Locale, MessageKey };
