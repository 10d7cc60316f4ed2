import { FEATURE_NAMES } from './feature-catalog';
import { FeatureMissingError, toFeatureVector } from './feature-vector';
import { FeatureMerger, mergeFeatures } from './feature-merge';
import type { FeatureValues } from './flow-features';

const cases: [string, FeatureValues, FeatureValues][] = [
  ['disjoint keys', { a: 1, b: 2 }, { c: 3 }],
  ['an override keeps the first position', { a: 1, b: 2, c: 3 }, { b: 20, d: 4 }],
  ['empty extra', { a: 1 }, {}],
  ['empty base', {}, { z: 1, y: 2 }],
  ['a __proto__ key is a property, as in a spread', JSON.parse('{"a":1,"__proto__":5}') as FeatureValues, { b: 2 }],
];

describe('mergeFeatures is { ...base, ...extra }', () => {
  it.each(cases)('%s', (_name, base, extra) => {
    const merged = mergeFeatures(base, extra);
    const spread = { ...base, ...extra };
    expect(Object.entries(merged)).toEqual(Object.entries(spread));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged).not.toBe(base);
  });

  it('leaves its inputs alone', () => {
    const base = { a: 1 };
    mergeFeatures(base, { a: 2, b: 3 });
    expect(base).toEqual({ a: 1 });
  });
});

describe('toFeatureVector with overrides is the vector of the merged values', () => {
  const all = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i]));
  const without = (name: string) => Object.fromEntries(Object.entries(all).filter(([n]) => n !== name));
  it.each<[string, FeatureValues, FeatureValues]>([
    ['overrides win', all, { count: -1, srv_count: -2 }],
    ['an override fills a gap', without('srv_count'), { srv_count: 7 }],
    ['keys that are not features are ignored', all, { not_a_feature: 1 }],
  ])('%s', (_name, values, overrides) => {
    expect(toFeatureVector('C1', values, overrides)).toEqual(toFeatureVector('C1', { ...values, ...overrides }));
  });

  it.each<[string, FeatureValues, FeatureValues, string[]]>([
    ['still missing', without('count'), { srv_count: 1 }, ['count']],
    ['an override that is not finite', all, { count: Number.NaN }, ['count']],
  ])('names what is missing: %s', (_name, values, overrides, missing) => {
    expect(() => toFeatureVector('C2', values, overrides)).toThrow(new FeatureMissingError('C2', missing));
    expect(() => toFeatureVector('C2', { ...values, ...overrides })).toThrow(new FeatureMissingError('C2', missing));
  });
});

describe('FeatureMerger gives { ...base, ...extra } merge after merge', () => {
  it('over inputs that keep a layout, change it, and come back to it', () => {
    const merger = new FeatureMerger();
    const inputs: [FeatureValues, FeatureValues][] = [
      [{ a: 1, b: 2 }, { c: 3 }],
      [{ a: 4, b: 5.5 }, { c: 6 }],
      [{ a: 7, b: 8 }, { b: 9, c: 10 }],
      [{ b: 1, a: 2 }, { c: 3 }],
      [{ a: 1, b: 2, x: 0 }, { c: 3 }],
      [{ a: 11, b: 12 }, { c: 13 }],
      ...cases.map(([, base, extra]) => [base, extra] as [FeatureValues, FeatureValues]),
      [{ a: 21, b: 22 }, { c: 23 }],
    ];
    const results = inputs.map(([base, extra]) => merger.merge(base, extra));
    results.forEach((merged, i) => {
      const [base, extra] = inputs[i];
      expect(Object.entries(merged)).toEqual(Object.entries({ ...base, ...extra }));
    });
    expect(new Set(results).size).toBe(results.length);
  });

  it('hands out a new object every time, never its template', () => {
    const merger = new FeatureMerger();
    const [first, second, third] = [1, 2, 3].map((n) => merger.merge({ a: n }, { b: n }));
    first.a = 99;
    second.a = 98;
    expect([first, second, third].map((o) => o.a)).toEqual([99, 98, 3]);
    expect(merger.merge({ a: 4 }, { b: 4 })).toEqual({ a: 4, b: 4 });
  });
});
