// Keyboard shortcuts (UX.md §10). Screens register their keys while mounted:
//
//   useShortcuts([
//     { key: 'a', description: 'alerts.take', run: () => take(current) },
//     { key: 'Ctrl+Enter', description: 'notes.submit', run: submit, inInputs: true },
//     { keys: ['j', 'k'], description: 'shortcuts.table.move', group: 'list' },   // listed only
//   ]);
//
// `key` is what is matched ("a", "?", "/", "Shift+A", "Ctrl+Enter", "Escape"); `keys`
// only changes what the help sheet shows. `?` opens the help sheet, `/` focuses the
// screen's search box (TextFilter with `search`, or `shortcuts.setSearchBox(el)`).
// Single-key shortcuts (a printable character without Ctrl/Alt/Meta) are ignored when
// the user turned them off (prefs.singleKeys, WCAG 2.1.4). Nothing fires while the user
// types in a field (unless `inInputs` and a modifier), while a modal dialog is open, or
// when the focused widget already handled the key (event.defaultPrevented).
import { untrack } from 'svelte';
import type { MessageKey } from '../i18n/catalog.ts';
import { prefs } from './prefs.svelte.ts';

export type ShortcutGroup = 'global' | 'screen' | 'list';

export interface Shortcut {
  /** The key that triggers `run`. */
  key?: string;
  /** Keys shown in the help sheet (default: [key]). */
  keys?: string[];
  description: MessageKey;
  group?: ShortcutGroup;
  run?: (event: KeyboardEvent) => void;
  /** Also fires in text fields; only for shortcuts with Ctrl/Alt/Meta. */
  inInputs?: boolean;
  /** Only while this returns true (e.g. an item is selected). */
  when?: () => boolean;
}

interface Entry extends Shortcut {
  id: number;
}

interface Parsed {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

export function parseKey(spec: string): Parsed {
  const parts = spec.split('+');
  // "Ctrl++" or "+" alone: the last part is the key itself.
  const key = spec.endsWith('+') ? '+' : (parts.pop() ?? '');
  const mods = new Set((spec.endsWith('+') ? parts.slice(0, -1) : parts).map((p) => p.toLowerCase()));
  return { key, ctrl: mods.has('ctrl') || mods.has('mod'), alt: mods.has('alt'), shift: mods.has('shift') };
}

/** A printable character without Ctrl/Alt/Meta: what WCAG 2.1.4 lets users turn off. */
export function isSingleKey(spec: string): boolean {
  const p = parseKey(spec);
  return !p.ctrl && !p.alt && [...p.key].length === 1;
}

export function matches(
  spec: string,
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
): boolean {
  const p = parseKey(spec);
  if (p.ctrl !== (event.ctrlKey || event.metaKey) || p.alt !== event.altKey) return false;
  const letter = /^[a-z]$/i.test(p.key);
  if (letter)
    return (
      event.key.toLowerCase() === p.key.toLowerCase() && event.shiftKey === (p.shift || p.key !== p.key.toLowerCase())
    );
  // Symbols ("?", "/") need Shift on some layouts and not on others: Shift is not compared.
  if ([...p.key].length === 1) return event.key === p.key;
  return event.key === p.key && event.shiftKey === p.shift;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  return false;
}

function modalOpen(): boolean {
  return !!document.querySelector('[role="dialog"][aria-modal="true"], [role="alertdialog"][aria-modal="true"]');
}

class Shortcuts {
  entries = $state.raw<Entry[]>([]);
  helpOpen = $state(false);
  #next = 1;
  #searchBoxes: HTMLElement[] = [];

  constructor() {
    this.entries = [
      { id: 0, key: '?', description: 'shortcuts.help', group: 'global', run: () => (this.helpOpen = true) },
      {
        id: -1,
        key: '/',
        description: 'shortcuts.search',
        group: 'global',
        run: () => this.focusSearch(),
        when: () => this.searchBox() !== null,
      },
    ];
  }

  /** Adds shortcuts; returns the function that removes them. */
  register(list: readonly Shortcut[]): () => void {
    const added = list.map((s) => ({ group: 'screen' as ShortcutGroup, ...s, id: this.#next++ }));
    // Called from effects: reading the list must not make the effect depend on it.
    untrack(() => (this.entries = [...this.entries, ...added]));
    const ids = new Set(added.map((e) => e.id));
    return () => untrack(() => (this.entries = this.entries.filter((e) => !ids.has(e.id))));
  }

  /** The field `/` focuses; the latest registered wins. Returns the unregister function. */
  setSearchBox(el: HTMLElement): () => void {
    this.#searchBoxes.push(el);
    return () => {
      this.#searchBoxes = this.#searchBoxes.filter((e) => e !== el);
    };
  }

  searchBox(): HTMLElement | null {
    for (let i = this.#searchBoxes.length - 1; i >= 0; i--)
      if (this.#searchBoxes[i]!.isConnected) return this.#searchBoxes[i]!;
    return null;
  }

  focusSearch(): void {
    const el = this.searchBox();
    el?.focus();
    if (el instanceof HTMLInputElement) el.select();
  }

  /** Runs the matching shortcut, if any; true when one ran. */
  handle(event: KeyboardEvent): boolean {
    if (event.defaultPrevented || event.isComposing) return false;
    const typing = isTyping(event.target);
    if (modalOpen()) return false;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const s = this.entries[i]!;
      if (!s.key || !s.run || !matches(s.key, event)) continue;
      if (typing && !(s.inInputs && !isSingleKey(s.key))) continue;
      if (isSingleKey(s.key) && !prefs.singleKeys) continue;
      if (s.when && !s.when()) continue;
      event.preventDefault();
      s.run(event);
      return true;
    }
    return false;
  }

  /** Listens on the document; returns the function that stops listening. Installed once by the shell. */
  install(target: Document = document): () => void {
    const listener = (e: Event) => this.handle(e as KeyboardEvent);
    target.addEventListener('keydown', listener);
    return () => target.removeEventListener('keydown', listener);
  }

  setSingleKeys(on: boolean): void {
    prefs.singleKeys = on;
    prefs.save();
  }
}

export const shortcuts = new Shortcuts();

/** Registers shortcuts for as long as the calling component is mounted. */
export function useShortcuts(list: readonly Shortcut[] | (() => readonly Shortcut[])): void {
  $effect(() => shortcuts.register(typeof list === 'function' ? list() : list));
}
