import { FlowbitsCommand, FlowbitsStore } from './flowbits.store';

type Step = [FlowbitsCommand, string, boolean];

describe('FlowbitsStore', () => {
  it.each<{ name: string; steps: Step[]; bits: string[] }>([
    { name: 'set then isset', steps: [['isset', 'a', false], ['isnotset', 'a', true], ['set', 'a', true], ['isset', 'a', true], ['isnotset', 'a', false]], bits: ['a'] },
    { name: 'unset', steps: [['set', 'a', true], ['set', 'b', true], ['unset', 'a', true], ['isset', 'a', false], ['isset', 'b', true]], bits: ['b'] },
    { name: 'toggle twice', steps: [['toggle', 'a', true], ['isset', 'a', true], ['toggle', 'a', true], ['isset', 'a', false]], bits: [] },
    // With b set, as Suricata 7.0.10 answered: isset a|b, !isset a|c, isnotset a|b, !isnotset b|b,
    // and '&' is part of a name: !isset a&b, !isset b&b, isnotset a&b.
    { name: 'OR group (Suricata 7.0.10)', steps: [['set', 'b', true], ['isset', 'a|b', true], ['isset', 'a|c', false], ['isnotset', 'a|b', true], ['isnotset', 'b|b', false]], bits: ['b'] },
    { name: '& is not an operator (Suricata 7.0.10)', steps: [['set', 'b', true], ['isset', 'a&b', false], ['isset', 'b&b', false], ['isnotset', 'a&b', true], ['set', 'a&b', true], ['isset', 'a&b', true]], bits: ['a&b', 'b'] },
    { name: 'noalert does nothing', steps: [['noalert', '', true]], bits: [] },
  ])('$name', ({ steps, bits }) => {
    const s = new FlowbitsStore();
    for (const [cmd, expr, expected] of steps) expect([cmd, expr, s.apply('f1', cmd, expr)]).toEqual([cmd, expr, expected]);
    expect(s.bits('f1')).toEqual(bits);
    expect(s.bits('f2')).toEqual([]);
  });

  it('drops bits beyond maxBitsPerFlow', () => {
    const s = new FlowbitsStore({ maxFlows: 10, maxBitsPerFlow: 2 });
    ['a', 'b', 'c', 'a'].forEach((n) => s.set('f', n));
    expect([s.bits('f'), s.counters.droppedBits]).toEqual([['a', 'b'], 1]);
  });

  it('evicts the least recently written flow beyond maxFlows', () => {
    const s = new FlowbitsStore({ maxFlows: 2, maxBitsPerFlow: 8 });
    s.set('f1', 'x');
    s.set('f2', 'x');
    s.set('f1', 'y');
    s.set('f3', 'x');
    expect([s.isset('f1', 'x'), s.isset('f2', 'x'), s.isset('f3', 'x'), s.counters.evictedFlows]).toEqual([true, false, true, 1]);
  });

  it('remove forgets a flow; unsetting the last bit frees it', () => {
    const s = new FlowbitsStore();
    s.set('f1', 'x');
    s.set('f2', 'x');
    s.unset('f2', 'x');
    expect(s.size).toBe(1);
    expect(s.remove('f1')).toBe(true);
    expect(s.size).toBe(0);
  });
});
