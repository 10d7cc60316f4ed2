import { TimeOrderedMerge } from './time-ordered.merge';

type Step = ['push', number, number[]] | ['finish', number] | ['take', number[]];
const label = (p: number, t: number) => t + p / 10; // items carry their partition in the fraction

describe('TimeOrderedMerge', () => {
  it.each<[string, number[], Step[]]>([
    ['holds records while an open partition has none buffered', [0, 1], [
      ['push', 0, [1, 5]], ['take', []],
      ['push', 1, [3]], ['take', [1, 3.1]],
      ['finish', 1], ['take', [5]],
    ]],
    ['releases everything once the other partitions are finished', [0, 1, 2], [
      ['finish', 1], ['finish', 2], ['push', 0, [4, 2]], ['take', [4, 2]],
    ]],
    ['puts ties in partition order', [0, 1], [
      ['push', 1, [7]], ['push', 0, [7]], ['take', [7]], ['finish', 0], ['take', [7.1]],
    ]],
    ['interleaves two sorted partitions', [3, 1], [
      ['push', 1, [1, 4, 6]], ['push', 3, [2, 3, 5, 9]], ['take', [1.1, 2.3, 3.3, 4.1, 5.3, 6.1]],
      ['finish', 1], ['take', [9.3]],
    ]],
    ['gives nothing for partitions that are all empty and finished', [0, 1], [
      ['finish', 0], ['finish', 1], ['take', []],
    ]],
  ])('%s', (_what, partitions, steps) => {
    const merge = new TimeOrderedMerge<{ p: number; t: number }>(partitions, (x) => x.t);
    for (const step of steps) {
      if (step[0] === 'push') merge.push(step[1], step[2].map((t) => ({ p: step[1], t })));
      else if (step[0] === 'finish') merge.finish(step[1]);
      else expect(merge.take().map((x) => label(x.p, x.t))).toEqual(step[1]);
    }
    // Every record was taken in the steps: ending the open partitions releases nothing more.
    for (const p of partitions) merge.finish(p);
    expect(merge.take()).toEqual([]);
    expect(merge.done).toBe(true);
  });

  it('counts what each partition holds, and refuses records after its end', () => {
    const merge = new TimeOrderedMerge<number>([0, 1], (x) => x);
    merge.push(0, [1, 2, 3]);
    expect([merge.buffered(0), merge.buffered(1)]).toEqual([3, 0]);
    expect(merge.isFinished(1)).toBe(false);
    merge.finish(1);
    merge.finish(1);
    expect(merge.isFinished(1)).toBe(true);
    expect(merge.take()).toEqual([1, 2, 3]);
    expect(merge.buffered(0)).toBe(0);
    expect(merge.done).toBe(false);
    expect(() => merge.push(1, [4])).toThrow('partition 1 was finished');
    expect(() => merge.push(7, [4])).toThrow('unknown partition 7');
  });

  it('keeps time order over many records (compacting its queues on the way)', () => {
    const merge = new TimeOrderedMerge<number>([0, 1, 2], (x) => x);
    const taken: number[] = [];
    for (let i = 0; i < 5000; i++) {
      merge.push(i % 3, [i * 3 + (i % 3)]);
      taken.push(...merge.take());
    }
    for (const p of [0, 1, 2]) merge.finish(p);
    taken.push(...merge.take());
    expect(taken).toHaveLength(5000);
    expect(taken).toEqual([...taken].sort((a, b) => a - b));
    expect(merge.done).toBe(true);
  });
});
