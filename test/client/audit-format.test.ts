import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../client/src/lib/i18n/i18n.svelte.ts';
import {
  actionOptions,
  actorText,
  detailPairs,
  detailsSummary,
  targetText,
} from '../../client/src/screens/audit/format.ts';

describe('audit screen wording', () => {
  afterEach(() => i18n.set('fr'));

  it('names every kind of actor, in French and English', () => {
    const a = (label: string, kind: string, id: string | null, name: string | null = null) =>
      ({ label, kind, id, name }) as Parameters<typeof actorText>[0];
    expect(actorText(a('user:u1', 'user', 'u1', 'Claire Martin'))).toBe('Claire Martin');
    expect(actorText(a('user:u1', 'user', 'u1'))).toBe('Utilisateur u1');
    expect(actorText(a('source:dpi', 'source', 'dpi'))).toBe('Source dpi');
    expect(actorText(a('system', 'system', null))).toBe('Système');
    expect(actorText(a('cli', 'cli', null))).toBe('Ligne de commande');
    expect(actorText(a('anonymous:x@h.fr', 'anonymous', 'x@h.fr'))).toBe('Anonyme (x@h.fr)');
    expect(actorText(a('weird', 'other', null))).toBe('weird');
    i18n.set('en');
    expect(actorText(a('cli', 'cli', null))).toBe('Command line');
  });

  it('writes targets and details readably', () => {
    expect(targetText({ type: 'alert', id: '12' })).toBe('alert #12');
    expect(targetText({ type: 'settings', id: null })).toBe('settings');
    expect(targetText(null)).toBe('');
    expect(detailPairs({ status: 'triage', count: 3, tags: ['a'], empty: null })).toEqual([
      ['status', 'triage'],
      ['count', '3'],
      ['tags', '["a"]'],
      ['empty', '—'],
    ]);
    // A details text that no longer parses (a tampered row) is still shown.
    expect(detailPairs('{broken')).toEqual([['', '{broken']]);
    expect(detailPairs({})).toEqual([]);
    expect(detailsSummary({ from: 'triage', status: 'containment' })).toBe('from: triage · status: containment');
    expect(detailsSummary({ text: 'x'.repeat(300) }, 20)).toBe('text: xxxxxxxxxxxxx…');
  });

  it('offers action families before the actions', () => {
    expect(actionOptions(['user.logout', 'alert.raised', 'user.login', 'setup'], (p) => `${p}*`)).toEqual([
      { value: 'alert.', label: 'alert.*' },
      { value: 'user.', label: 'user.*' },
      { value: 'alert.raised', label: 'alert.raised' },
      { value: 'setup', label: 'setup' },
      { value: 'user.login', label: 'user.login' },
      { value: 'user.logout', label: 'user.logout' },
    ]);
  });
});
