import { addToStat, emptyStat, mergeStats, statStd, statVariance, type RunningStat } from './running-stat';

const of = (values: number[]): RunningStat => {
  const s = emptyStat();
  for (const v of values) addToStat(s, v);
  return s;
};

describe('RunningStat', () => {
  it.each<[string, number[], Partial<RunningStat>, number]>([
    // mean 5; squared deviations 9 + 1 + 1 + 9 = 20; sample variance 20 / 3
    ['four values', [2, 4, 6, 8], { n: 4, mean: 5, min: 2, max: 8, sum: 20 }, 20 / 3],
    ['one value: variance 0', [7], { n: 1, mean: 7, min: 7, max: 7 }, 0],
    ['no value: all 0', [], { n: 0, mean: 0, min: 0, max: 0, sum: 0 }, 0],
    ['negative values', [-3, -1], { min: -3, max: -1, mean: -2 }, 2],
  ])('%s', (_name, values, expected, variance) => {
    const s = of(values);
    expect(s).toMatchObject(expected);
    expect(statVariance(s)).toBeCloseTo(variance, 12);
    expect(statStd(s)).toBeCloseTo(Math.sqrt(variance), 12);
  });

  it.each([
    [[1, 2, 3], [10, 20]],
    [[], [4, 5]],
    [[4, 5], []],
    [[1e9, 1e9 + 2], [1e9 + 1]],
  ])('merges %j and %j as if counted together', (a, b) => {
    const merged = mergeStats(of(a), of(b));
    const together = of([...a, ...b]);
    expect(merged.n).toBe(together.n);
    for (const k of ['mean', 'm2', 'min', 'max', 'sum'] as const) expect([k, merged[k]]).toEqual([k, expect.closeTo(together[k], 6)]);
  });

  it('survives JSON (no Infinity for the min of an empty set)', () => {
    expect(JSON.parse(JSON.stringify(emptyStat()))).toEqual(emptyStat());
  });
});
