// What a key press on a focused table row means. Pure, so it is tested on its own.
export type TableKeyAction =
  | { type: 'move'; delta: number; extend: boolean }
  | { type: 'edge'; to: 'first' | 'last'; extend: boolean }
  | { type: 'open' }
  | { type: 'toggle' }
  | { type: 'menu' }
  | { type: 'clear' };

const PAGE = 10;

/**
 * j/k and the arrows move (Shift extends the selection), Home/End and PageUp/PageDown jump,
 * Enter opens, Space toggles the selection, Shift+F10 or the Menu key opens the row's
 * filter menu, Escape clears the selection. j/k are single-key shortcuts: off when the user
 * turned those off (the arrows always work).
 */
export function tableKeyAction(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  singleKeys: boolean,
): TableKeyAction | null {
  const { key, shiftKey } = event;
  if (event.altKey || event.metaKey) return null;
  if (event.ctrlKey)
    return key === 'Home'
      ? { type: 'edge', to: 'first', extend: shiftKey }
      : key === 'End'
        ? { type: 'edge', to: 'last', extend: shiftKey }
        : null;
  switch (key) {
    case 'ArrowDown':
      return { type: 'move', delta: 1, extend: shiftKey };
    case 'ArrowUp':
      return { type: 'move', delta: -1, extend: shiftKey };
    case 'j':
    case 'J':
      return singleKeys ? { type: 'move', delta: 1, extend: shiftKey } : null;
    case 'k':
    case 'K':
      return singleKeys ? { type: 'move', delta: -1, extend: shiftKey } : null;
    case 'PageDown':
      return { type: 'move', delta: PAGE, extend: shiftKey };
    case 'PageUp':
      return { type: 'move', delta: -PAGE, extend: shiftKey };
    case 'Home':
      return { type: 'edge', to: 'first', extend: shiftKey };
    case 'End':
      return { type: 'edge', to: 'last', extend: shiftKey };
    case 'Enter':
      return shiftKey ? null : { type: 'open' };
    case ' ':
    case 'Spacebar':
      return { type: 'toggle' };
    case 'F10':
      return shiftKey ? { type: 'menu' } : null;
    case 'ContextMenu':
      return { type: 'menu' };
    case 'Escape':
      return { type: 'clear' };
    default:
      return null;
  }
}

/** The keys between `from` and `to` (inclusive) in `order`; just `to` when `from` is unknown. */
export function keyRange(order: readonly string[], from: string | null, to: string): string[] {
  const a = from === null ? -1 : order.indexOf(from);
  const b = order.indexOf(to);
  if (b < 0) return [];
  if (a < 0) return [to];
  return order.slice(Math.min(a, b), Math.max(a, b) + 1);
}
