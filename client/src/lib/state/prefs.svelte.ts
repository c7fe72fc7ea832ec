// Per-user display preferences, kept in this browser: theme, UTC display, compact rows,
// single-key keyboard shortcuts (WCAG 2.1.4: they can be turned off).
export type Theme = 'system' | 'light' | 'dark' | 'contrast';
const KEY = 'vigie.prefs';

interface Saved {
  theme?: Theme;
  utc?: boolean;
  compact?: boolean;
  singleKeys?: boolean;
}

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

class Prefs {
  theme = $state<Theme>(load().theme ?? 'system');
  utc = $state<boolean>(load().utc ?? false);
  compact = $state<boolean>(load().compact ?? false);
  singleKeys = $state<boolean>(load().singleKeys ?? true);

  save() {
    try {
      localStorage.setItem(
        KEY,
        JSON.stringify({ theme: this.theme, utc: this.utc, compact: this.compact, singleKeys: this.singleKeys }),
      );
    } catch {
      /* storage unavailable */
    }
  }

  setTheme(theme: Theme) {
    this.theme = theme;
    this.save();
  }
}

export const prefs = new Prefs();
