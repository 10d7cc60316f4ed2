import { Tally, TallyUnderflowError } from './tally';

describe('Tally', () => {
  it.each<[string, [('add' | 'remove'), string][], Record<string, number>, number]>([
    ['counts additions per key', [['add', 'a'], ['add', 'a'], ['add', 'b']], { a: 2, b: 1, c: 0 }, 2],
    ['takes removals off', [['add', 'a'], ['add', 'a'], ['remove', 'a']], { a: 1 }, 1],
    ['forgets a key that falls to zero', [['add', 'a'], ['add', 'b'], ['remove', 'a']], { a: 0, b: 1 }, 1],
    ['starts empty', [], { a: 0 }, 0],
  ])('%s', (_name, ops, expected, size) => {
    const t = new Tally<string>();
    for (const [op, key] of ops) t[op](key);
    for (const [key, n] of Object.entries(expected)) expect(t.get(key)).toBe(n);
    expect(t.size).toBe(size);
  });

  it('refuses to remove what it never counted, naming the key', () => {
    const t = new Tally<number>();
    t.add(80);
    t.remove(80);
    expect(() => t.remove(80)).toThrow(TallyUnderflowError);
    expect(() => t.remove(80)).toThrow(expect.objectContaining({ code: 'TALLY_UNDERFLOW', key: 80 }));
  });

  it('clears', () => {
    const t = new Tally<string>();
    t.add('a');
    t.clear();
    expect([t.get('a'), t.size]).toEqual([0, 0]);
  });
});
