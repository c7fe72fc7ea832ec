import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ShortcutHelp from '../../client/src/lib/components/ShortcutHelp.svelte';
import { i18n } from '../../client/src/lib/i18n/i18n.svelte.ts';
import { prefs } from '../../client/src/lib/state/prefs.svelte.ts';
import { isSingleKey, isTyping, matches, shortcuts } from '../../client/src/lib/state/shortcuts.svelte.ts';

const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) => {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
};

let uninstall: () => void = () => {};
let unregister: () => void = () => {};
beforeEach(() => {
  prefs.singleKeys = true;
  shortcuts.helpOpen = false;
  uninstall = shortcuts.install();
});
afterEach(() => {
  unregister();
  uninstall();
  cleanup();
  document.body.innerHTML = '';
  i18n.set('fr');
});

describe('shortcut matching', () => {
  it('matches letters with their Shift state, symbols whatever the layout needs, modifiers exactly', () => {
    expect(matches('a', { key: 'a', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false })).toBe(true);
    expect(matches('a', { key: 'A', ctrlKey: false, metaKey: false, altKey: false, shiftKey: true })).toBe(false);
    expect(matches('Shift+A', { key: 'A', ctrlKey: false, metaKey: false, altKey: false, shiftKey: true })).toBe(true);
    expect(matches('?', { key: '?', ctrlKey: false, metaKey: false, altKey: false, shiftKey: true })).toBe(true);
    expect(matches('a', { key: 'a', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false })).toBe(false);
    expect(matches('Ctrl+Enter', { key: 'Enter', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false })).toBe(
      true,
    ); // ⌘ on a Mac
    expect(isSingleKey('a')).toBe(true);
    expect(isSingleKey('?')).toBe(true);
    expect(isSingleKey('Ctrl+Enter')).toBe(false);
    expect(isSingleKey('Escape')).toBe(false);
  });

  it('knows when the user is typing', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('select'))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('button'))).toBe(false);
    // jsdom does not implement isContentEditable; the check relies on it in browsers.
    expect(isTyping(document.body)).toBe(false);
  });
});

describe('shortcut registry', () => {
  it('runs a registered key, and stops once the screen is gone', () => {
    const take = vi.fn();
    unregister = shortcuts.register([{ key: 'a', description: 'shortcuts.table.open', run: take }]);
    const event = press('a');
    expect(take).toHaveBeenCalledTimes(1);
    expect(event.defaultPrevented).toBe(true);
    unregister();
    press('a');
    expect(take).toHaveBeenCalledTimes(1);
  });

  it('ignores keys typed in inputs, textareas and selects, unless a modifier shortcut allows it', () => {
    const take = vi.fn();
    const submit = vi.fn();
    unregister = shortcuts.register([
      { key: 'a', description: 'shortcuts.table.open', run: take },
      { key: 'Ctrl+Enter', description: 'common.save', run: submit, inInputs: true },
    ]);
    for (const tag of ['input', 'textarea', 'select'] as const) {
      const field = document.body.appendChild(document.createElement(tag));
      const event = press('a', {}, field);
      expect(event.defaultPrevented, tag).toBe(false); // the letter is typed
    }
    expect(take).not.toHaveBeenCalled();
    const field = document.body.appendChild(document.createElement('textarea'));
    press('Enter', { ctrlKey: true }, field);
    expect(submit).toHaveBeenCalledTimes(1);
    const checkbox = document.body.appendChild(document.createElement('input'));
    checkbox.type = 'checkbox';
    press('a', {}, checkbox); // not a text field: the shortcut works
    expect(take).toHaveBeenCalledTimes(1);
  });

  it('lets the user turn single-key shortcuts off, keeping modifier ones', () => {
    const take = vi.fn();
    const submit = vi.fn();
    unregister = shortcuts.register([
      { key: 'a', description: 'shortcuts.table.open', run: take },
      { key: 'Ctrl+Enter', description: 'common.save', run: submit },
    ]);
    shortcuts.setSingleKeys(false);
    expect(JSON.parse(localStorage.getItem('vigie.prefs')!).singleKeys).toBe(false);
    press('a');
    press('?');
    press('Enter', { ctrlKey: true });
    expect(take).not.toHaveBeenCalled();
    expect(shortcuts.helpOpen).toBe(false);
    expect(submit).toHaveBeenCalledTimes(1);
    shortcuts.setSingleKeys(true);
  });

  it('skips keys a focused widget already handled, and respects `when`', () => {
    const run = vi.fn();
    let enabled = false;
    unregister = shortcuts.register([{ key: 'j', description: 'preview.next', run, when: () => enabled }]);
    press('j');
    expect(run).not.toHaveBeenCalled();
    enabled = true;
    const handled = new KeyboardEvent('keydown', { key: 'j', bubbles: true, cancelable: true });
    handled.preventDefault();
    document.body.dispatchEvent(handled);
    expect(run).not.toHaveBeenCalled();
    press('j');
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('/ focuses the screen search box; the latest registered wins', () => {
    const first = document.body.appendChild(document.createElement('input'));
    const second = document.body.appendChild(document.createElement('input'));
    const off1 = shortcuts.setSearchBox(first);
    const off2 = shortcuts.setSearchBox(second);
    press('/');
    expect(document.activeElement).toBe(second);
    off2();
    (document.activeElement as HTMLElement).blur();
    press('/');
    expect(document.activeElement).toBe(first);
    off1();
  });
});

describe('the ? help sheet', () => {
  it('opens on ?, lists the screen shortcuts with localised keys, and toggles single keys', async () => {
    render(ShortcutHelp);
    unregister = shortcuts.register([
      { key: 'a', description: 'shortcuts.table.open', run: () => {} },
      { keys: ['Shift+ArrowDown'], description: 'shortcuts.table.range', group: 'list' },
    ]);
    press('?');
    flushSync();
    const sheet = await screen.findByTestId('shortcut-help');
    expect(sheet.getAttribute('aria-modal')).toBe('true');
    expect(within(sheet).getByRole('heading', { name: 'Raccourcis clavier' })).toBeTruthy();
    const text = sheet.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Afficher cette aide');
    expect(text).toContain('Maj+↓ Étendre la sélection');
    expect(text).toContain('a Ouvrir l’aperçu de la ligne');
    // While the modal is open, page shortcuts do not fire behind it.
    const take = vi.fn();
    const off = shortcuts.register([{ key: 'x', description: 'common.save', run: take }]);
    press('x');
    expect(take).not.toHaveBeenCalled();
    off();
    await fireEvent.click(within(sheet).getByTestId('single-keys'));
    expect(prefs.singleKeys).toBe(false);
    await fireEvent.click(within(sheet).getByTestId('single-keys'));
    expect(prefs.singleKeys).toBe(true);
    i18n.set('en');
    await tick();
    expect(sheet.textContent).toContain('Shift+↓');
  });
});
