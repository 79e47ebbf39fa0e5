/** The queue's keys on a grid of 5 columns and 12 cards (the last row has 2). */
import { describe, expect, it } from 'vitest';
import { queueKeyAction, type QueuePosition } from '../../src/renderer/queue/queueKeys';
import { NO_FILTERS } from '../../src/renderer/queue/queueQuery';

const at = (index: number, from: QueuePosition['from'] = 'card'): QueuePosition => ({
  index,
  columns: 5,
  total: 12,
  filters: NO_FILTERS,
  from,
});
const focusAfter = (key: string, index: number): number | null => {
  const action = queueKeyAction(key, at(index));
  return action?.kind === 'focus' ? action.index : null;
};

describe('the queue keys', () => {
  it('move by one with ←/→ and K/J, by a row with ↑/↓, to the ends with Home/End, never off the grid', () => {
    expect([focusAfter('ArrowRight', 0), focusAfter('j', 0), focusAfter('J', 0)]).toEqual([1, 1, 1]);
    expect([focusAfter('ArrowLeft', 3), focusAfter('k', 3)]).toEqual([2, 2]);
    expect([focusAfter('ArrowDown', 1), focusAfter('ArrowUp', 6)]).toEqual([6, 1]);
    expect([focusAfter('ArrowLeft', 0), focusAfter('ArrowUp', 2)]).toEqual([0, 0]);
    // Below the short last row's gap: the last card.
    expect([focusAfter('ArrowDown', 8), focusAfter('ArrowRight', 11)]).toEqual([11, 11]);
    expect([focusAfter('Home', 7), focusAfter('End', 0)]).toEqual([0, 11]);
  });

  it("leave another control's arrows and Enter to it; the page's Enter opens the card that had the focus", () => {
    expect(queueKeyAction('ArrowRight', at(0, 'control'))).toBeNull();
    expect(queueKeyAction('Enter', at(4, 'control'))).toBeNull();
    expect(queueKeyAction('Enter', at(4, 'card'))).toBeNull();
    expect(queueKeyAction('Enter', at(4, 'page'))).toEqual({ kind: 'open', index: 4 });
    expect(queueKeyAction('ArrowRight', at(4, 'page'))).toEqual({ kind: 'focus', index: 5 });
    expect(queueKeyAction('j', { ...at(0), total: 0 })).toBeNull();
  });

  it('set the order and toggle the filters, from any control', () => {
    const from = at(0, 'control');
    expect(queueKeyAction('n', from)).toEqual({ kind: 'order', order: 'uncertainty' });
    expect(queueKeyAction('R', from)).toEqual({ kind: 'order', order: 'probability' });
    const unlabeled = queueKeyAction('u', from);
    expect(unlabeled).toEqual({ kind: 'filters', filters: { ...NO_FILTERS, label: 'unlabeled' } });
    const again = queueKeyAction('u', { ...from, filters: { ...NO_FILTERS, label: 'unlabeled' } });
    expect(again).toEqual({ kind: 'filters', filters: NO_FILTERS });
    expect(queueKeyAction('s', from)).toEqual({
      kind: 'filters',
      filters: { ...NO_FILTERS, suspicious: true },
    });
    const filtered = { ...from, filters: { ...NO_FILTERS, patient: 'P-1', suspicious: true } };
    expect(queueKeyAction('a', filtered)).toEqual({ kind: 'filters', filters: NO_FILTERS });
    expect(queueKeyAction('p', from)).toEqual({ kind: 'patient-list' });
    expect(queueKeyAction('x', from)).toBeNull();
  });
});
