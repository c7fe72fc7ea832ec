// Per-user display preferences, kept in this browser: theme, UTC display, compact rows.
export type Theme = 'system' | 'light' | 'dark' | 'contrast';
const KEY = 'vigie.prefs';

interface Saved {
  theme?: Theme;
  utc?: boolean;
  compact?: boolean;
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

  save() {
    try {
      localStorage.setItem(KEY, JSON.stringify({ theme: this.theme, utc: this.utc, compact: this.compact }));
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
