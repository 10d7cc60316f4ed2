import { ResultCache, resultCacheKey } from './result.cache';

describe('ResultCache', () => {
  let t = 0;
  const now = (): number => t;
  beforeEach(() => { t = 1_000; });

  it('uses 10000 entries and a 5 minute TTL by default', () => {
    const cache = new ResultCache<number>();
    expect([cache.maxEntries, cache.ttlMs]).toEqual([10_000, 300_000]);
  });

  it('returns a value until its TTL passes, then forgets it', () => {
    const cache = new ResultCache<string>({ ttlMs: 100, now });
    cache.set('a', 'x');
    t += 99;
    expect(cache.get('a')).toBe('x');
    t += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry, where a read counts as a use', () => {
    const cache = new ResultCache<number>({ maxEntries: 2, now });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('restarts the TTL when a key is set again', () => {
    const cache = new ResultCache<number>({ ttlMs: 100, now });
    cache.set('a', 1);
    t += 80;
    cache.set('a', 2);
    t += 80;
    expect(cache.get('a')).toBe(2);
  });

  it('keeps nothing when maxEntries is 0', () => {
    const cache = new ResultCache<number>({ maxEntries: 0, now });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it.each([
    ['same values, same models', [1, 2, 3], 'm@1.0.0', [1, 2, 3], 'm@1.0.0', true],
    ['a different value', [1, 2, 3], 'm@1.0.0', [1, 2, 3.0000001], 'm@1.0.0', false],
    ['another model version', [1, 2, 3], 'm@1.0.0', [1, 2, 3], 'm@1.1.0', false],
    ['a shorter vector', [1, 2, 0], 'm@1.0.0', [1, 2], 'm@1.0.0', false],
  ])('key: %s', (_name, a, ma, b, mb, same) => {
    expect(resultCacheKey(a, ma) === resultCacheKey(b, mb)).toBe(same);
  });
});
