import { assignCoPartitioned, type AssignmentMember } from './co-partitioned.assignment';

const m = (memberId: string, owned: number[] = []): AssignmentMember => ({ memberId, owned });
const asObject = (r: Map<string, number[]>) => Object.fromEntries(r);

describe('assignCoPartitioned', () => {
  it.each<[string, AssignmentMember[], number, Record<string, number[]>]>([
    ['one member takes everything', [m('a')], 6, { a: [0, 1, 2, 3, 4, 5] }],
    ['no history: balanced, in turn', [m('b'), m('a')], 6, { a: [0, 2, 4], b: [1, 3, 5] }],
    ['four members over six: 2, 2, 1, 1', [m('a'), m('b'), m('c'), m('d')], 6, { a: [0, 4], b: [1, 5], c: [2], d: [3] }],
    ['more members than partitions: some get none', [m('a'), m('b'), m('c')], 2, { a: [0], b: [1], c: [] }],
    ['a second member joins: the first keeps half of what it had', [m('a', [0, 1, 2, 3, 4, 5]), m('b')], 6, { a: [0, 1, 2], b: [3, 4, 5] }],
    ['a member leaves: the others keep theirs and share its partitions', [m('a', [0, 1]), m('c', [4, 5])], 6, { a: [0, 1, 2], c: [3, 4, 5] }],
    ['stable group: nothing moves', [m('a', [5, 1]), m('b', [0, 3]), m('c', [2, 4])], 6, { a: [1, 5], b: [0, 3], c: [2, 4] }],
    ['the extra slot goes to a previous owner, not away from one', [m('a', [0, 1, 2]), m('b', [3, 4, 5]), m('c'), m('d')], 6, { a: [0, 1], b: [3, 4], c: [2], d: [5] }],
    ['a partition claimed twice (stale history) goes to one member', [m('a', [0, 1]), m('b', [1, 2])], 4, { a: [0, 1], b: [2, 3] }],
    ['partitions that no longer exist are ignored', [m('a', [7, 0]), m('b', [9])], 2, { a: [0], b: [1] }],
    ['no partitions', [m('a', [0])], 0, { a: [] }],
  ])('%s', (_name, members, n, expected) => {
    expect(asObject(assignCoPartitioned(members, n))).toEqual(expected);
  });

  it('no members, no assignment', () => {
    expect(assignCoPartitioned([], 6).size).toBe(0);
  });

  // Properties over many histories: every partition to exactly one member, shares differ by at
  // most one, and a member keeps min(what it owned, its share) of its partitions.
  it('is a balanced partition of the partitions and keeps what balance allows, for random histories', () => {
    let seed = 7;
    const rand = (k: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % k; };
    for (let round = 0; round < 300; round++) {
      const n = rand(13);
      const count = 1 + rand(7);
      const owners = new Map<number, string>();
      const members = Array.from({ length: count }, (_, i) => {
        const owned: number[] = [];
        for (let p = 0; p < n; p++) if (!owners.has(p) && rand(count + 1) === 0) { owners.set(p, `m${i}`); owned.push(p); }
        return m(`m${i}`, owned);
      });
      const result = assignCoPartitioned(members, n);
      const all = [...result.values()].flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: n }, (_, p) => p));
      const sizes = [...result.values()].map((ps) => ps.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const member of members) {
        const kept = result.get(member.memberId)!.filter((p) => member.owned.includes(p)).length;
        expect(kept).toBeGreaterThanOrEqual(Math.min(member.owned.length, Math.floor(n / count)));
      }
    }
  });
});
