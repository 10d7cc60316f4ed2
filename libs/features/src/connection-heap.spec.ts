import { ConnectionHeap, ConnectionHeapUnorderedError } from './connection-heap';
import { compareConnections } from './window-connection';

const item = (endUs: number, uid: string) => ({ endUs, uid });

describe('ConnectionHeap', () => {
  it.each<[string, [number, string][]]>([
    ['empty', []],
    ['one', [[5, 'a']]],
    ['already in order', [[1, 'a'], [2, 'b'], [3, 'c']]],
    ['reversed', [[3, 'c'], [2, 'b'], [1, 'a']]],
    ['ties on end time go by uid', [[2, 'z'], [2, 'a'], [1, 'm'], [2, 'k']]],
    ['duplicates both come out', [[4, 'x'], [4, 'x'], [1, 'y']]],
    ['negative and infinite times', [[Infinity, 'i'], [-5, 'n'], [0, 'z']]],
  ])('gives everything back in compareConnections order: %s', (_name, input) => {
    const heap = new ConnectionHeap<{ endUs: number; uid: string }>();
    for (const [t, u] of input) heap.push(item(t, u));
    expect(heap.size).toBe(input.length);
    const out: string[] = [];
    for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(`${x.endUs}|${x.uid}`);
    expect(out).toEqual(input.map(([t, u]) => item(t, u)).sort(compareConnections).map((x) => `${x.endUs}|${x.uid}`));
    expect(heap.size).toBe(0);
  });

  it('agrees with a sort over interleaved pushes and pops', () => {
    let s = 7;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % 1000;
    const heap = new ConnectionHeap<{ endUs: number; uid: string }>();
    const model: { endUs: number; uid: string }[] = [];
    for (let i = 0; i < 2000; i++) {
      if (next() < 600) {
        const x = item(next(), `u${next()}`);
        heap.push(x);
        model.push(x);
      } else {
        model.sort(compareConnections);
        expect(heap.pop()).toEqual(model.shift());
      }
      expect(heap.peek()).toEqual([...model].sort(compareConnections)[0]);
    }
  });

  it('refuses a NaN end time', () => {
    const heap = new ConnectionHeap<{ endUs: number; uid: string }>();
    expect(() => heap.push(item(Number.NaN, 'q'))).toThrow(ConnectionHeapUnorderedError);
    expect(heap.size).toBe(0);
  });
});
