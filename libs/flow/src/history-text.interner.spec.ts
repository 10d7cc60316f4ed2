import { HistoryTextInterner } from './history-text.interner';

describe('HistoryTextInterner', () => {
  it.each<[string, string, string]>([
    ['', 'S', 'S'],
    ['S', 'h', 'Sh'],
    ['^', 'h', '^h'],
    ['ShA', 'D', 'ShAD'],
    ['Sh', '^', 'Sh^'],
    // Not a history letter: concatenated, not kept.
    ['S', '1', 'S1'],
    ['S', 'hA', 'ShA'],
  ])('%j + %j is %j', (history, letter, expected) => {
    expect(new HistoryTextInterner(16).append(history, letter)).toBe(expected);
  });

  it('gives the same string for the same history and letter, and keeps one row per history', () => {
    const interner = new HistoryTextInterner(16);
    const a = interner.append(interner.append('', 'S'), 'h');
    const b = interner.append(interner.append('', 'S'), 'h');
    expect(a).toBe('Sh');
    expect(b).toBe(a);
    expect(interner.size).toBe(2);
    // An equal text made elsewhere finds the same row.
    expect(interner.append(['S', 'h'].join(''), 'A')).toBe('ShA');
    expect(interner.size).toBe(3);
  });

  it('keeps no more than its capacity and still appends beyond it', () => {
    const interner = new HistoryTextInterner(2);
    let history = '';
    for (const letter of 'ShADadFf') history = interner.append(history, letter);
    expect(history).toBe('ShADadFf');
    expect(interner.size).toBe(2);
  });
});
