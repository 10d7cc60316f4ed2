import { AhoCorasickMatcher, AhoCorasickPattern, AhoCorasickPatternError } from './aho-corasick.matcher';
import { WuManberMatcher } from './wu-manber.matcher';
import { bytes, prng, randomWorkload } from './seeded-random.fixture';


function scanAll(m: { scan: WuManberMatcher['scan'] }, buf: Uint8Array, from?: number, to?: number): string[] {
  const out: string[] = [];
  m.scan(buf, (id, end) => out.push(`${id}@${end}`), from, to);
  return out.sort();
}

const toPatterns = (list: readonly (string | { s: string; nocase: boolean })[]): AhoCorasickPattern[] =>
  list.map((p) => (typeof p === 'string' ? { bytes: bytes(p) } : { bytes: bytes(p.s), nocase: p.nocase }));

describe('WuManberMatcher', () => {
  it.each([
    { name: 'overlapping occurrences of one pattern', patterns: ['aaaa'], input: 'aaaaaa', expected: ['0@3', '0@4', '0@5'] },
    { name: 'overlapping patterns of different lengths', patterns: ['abcd', 'bcdef', 'cdefgh'], input: 'abcdefgh', expected: ['0@3', '1@5', '2@7'] },
    { name: 'at buffer start and end', patterns: ['GET /', 'HTTP/1.1'], input: 'GET / HTTP/1.1', expected: ['0@4', '1@13'] },
    { name: 'case-sensitive does not match other case', patterns: ['Host:'], input: 'host: Host:', expected: ['0@10'] },
    { name: 'nocase matches any case', patterns: [{ s: 'User-Agent', nocase: true }], input: 'user-agent USER-AGENT', expected: ['0@9', '0@20'] },
    { name: 'same bytes, one exact and one nocase', patterns: ['abcd', { s: 'ABCD', nocase: true }], input: 'aBcD abcd', expected: ['0@8', '1@3', '1@8'] },
    { name: 'short patterns beside long ones', patterns: ['he', 'she', 'hers', 'ushers'], input: 'ushers', expected: ['0@3', '1@3', '2@5', '3@5'] },
    { name: 'only short patterns', patterns: ['a', 'ab'], input: 'xaby', expected: ['0@1', '1@2'] },
    { name: 'binary bytes', patterns: ['\x00\x00\xff\x00', '\xff\x00'], input: '\x00\x00\x00\xff\x00\x00', expected: ['0@4', '1@4'] },
    { name: 'a pattern longer than the buffer', patterns: ['abcdefgh'], input: 'abcdefg', expected: [] },
    { name: 'duplicate patterns both report', patterns: ['dupe!', 'dupe!'], input: '.dupe!.', expected: ['0@5', '1@5'] },
    { name: 'empty buffer', patterns: ['abcd'], input: '', expected: [] },
  ])('$name', ({ patterns, input, expected }) => {
    expect(scanAll(new WuManberMatcher(toPatterns(patterns)), bytes(input))).toEqual([...expected].sort());
  });

  it('reports only occurrences inside [from, to)', () => {
    const m = new WuManberMatcher(toPatterns(['abab', 'b', 'babx']));
    expect(scanAll(m, bytes('ababab'), 1, 6)).toEqual(['0@5', '1@1', '1@3', '1@5']);
    expect(scanAll(m, bytes('ababab'), 0, 5)).toEqual(['0@3', '1@1', '1@3']);
  });

  it('rejects an empty pattern with its id', () => {
    expect(() => new WuManberMatcher([{ bytes: bytes('abcd') }, { bytes: new Uint8Array(0) }]))
      .toThrow(expect.objectContaining({ code: 'AHO_CORASICK_EMPTY_PATTERN', patternId: 1 }));
    expect(() => new WuManberMatcher([{ bytes: new Uint8Array(0) }])).toThrow(AhoCorasickPatternError);
  });

  it('skips: the window is the shortest long pattern, short ones go to the small matcher', () => {
    const m = new WuManberMatcher(toPatterns(['ab', 'abcdefg', 'abcdefghijkl']));
    expect(m.window).toBe(7);
    expect(m.shortPatternCount).toBe(1);
    expect(new WuManberMatcher(toPatterns(['a'.repeat(100)])).window).toBe(32);
  });

  // Same candidates as Aho-Corasick (every occurrence, overlaps, buffer edges, nocase) on random
  // inputs over small alphabets (many hits, adversarial for the shift table) and wide ones.
  it.each([
    { seed: 1, alphabet: 'abAB', patternCount: 40, minLen: 1, maxLen: 8, inputLen: 3000, tableBits: 0 },
    { seed: 2, alphabet: 'aA\x00\xff', patternCount: 200, minLen: 4, maxLen: 10, inputLen: 3000, tableBits: 0 },
    { seed: 3, alphabet: 'abcdefghABCDEFGH0123', patternCount: 500, minLen: 4, maxLen: 12, inputLen: 5000, tableBits: 0 },
    { seed: 4, alphabet: 'abcdefghABCDEFGH0123', patternCount: 500, minLen: 4, maxLen: 12, inputLen: 5000, tableBits: 4 },
    { seed: 5, alphabet: 'aaaaaaab', patternCount: 30, minLen: 4, maxLen: 30, inputLen: 4000, tableBits: 0 },
    { seed: 6, alphabet: 'xyzXYZ-/.', patternCount: 300, minLen: 1, maxLen: 20, inputLen: 6000, tableBits: 8 },
  ])('agrees with Aho-Corasick on random data (seed $seed)', ({ seed, alphabet, patternCount, minLen, maxLen, inputLen, tableBits }) => {
    const rnd = prng(seed);
    const { patterns, input } = randomWorkload(rnd, { alphabet, patternCount, minLen, maxLen, inputLen });
    // Plant patterns at both ends and in the middle, some in the other case.
    for (const [k, at] of [[0, 0], [1, inputLen - patterns[1].bytes.length], [2, 100]] as const) {
      const p = patterns[k].bytes;
      input.set(p.map((b) => (rnd() < 0.5 && b >= 0x61 && b <= 0x7a ? b - 0x20 : b)), at);
    }
    const expected = scanAll(new AhoCorasickMatcher(patterns), input);
    expect(expected.length).toBeGreaterThan(0);
    const wm = new WuManberMatcher(patterns, { tableBits });
    expect(scanAll(wm, input)).toEqual(expected);
    // Sub-ranges, so matches cut by from / to are dropped the same way.
    expect(scanAll(wm, input, 7, inputLen - 5)).toEqual(scanAll(new AhoCorasickMatcher(patterns), input, 7, inputLen - 5));
  });

  it('agrees with Aho-Corasick for 10,000 random-byte patterns, some planted', () => {
    const rnd = prng(42);
    const patterns: AhoCorasickPattern[] = [];
    for (let i = 0; i < 10_000; i++) {
      const len = 4 + Math.floor(rnd() * 28);
      patterns.push({ bytes: Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)), nocase: rnd() < 0.3 });
    }
    const input = Uint8Array.from({ length: 20_000 }, () => Math.floor(rnd() * 256));
    [0, 17, 4242, 9999].forEach((id, k) => input.set(patterns[id].bytes, k * 5000));
    const wm = new WuManberMatcher(patterns);
    expect(wm.tableBits).toBe(18);
    const got = scanAll(wm, input);
    expect(got).toEqual(scanAll(new AhoCorasickMatcher(patterns), input));
    expect(got.length).toBeGreaterThanOrEqual(4);
  });
});
