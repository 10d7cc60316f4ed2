import { AhoCorasickMatcher, AhoCorasickPattern, AhoCorasickPatternError } from './aho-corasick.matcher';
import { bytes, prng } from './seeded-random.fixture';


const fold = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);

function naive(patterns: readonly AhoCorasickPattern[], buf: Uint8Array): string[] {
  const out: string[] = [];
  patterns.forEach((p, id) => {
    for (let end = p.bytes.length - 1; end < buf.length; end++) {
      let ok = true;
      for (let j = 0; j < p.bytes.length && ok; j++) {
        const a = buf[end - p.bytes.length + 1 + j];
        const b = p.bytes[j];
        ok = p.nocase ? fold(a) === fold(b) : a === b;
      }
      if (ok) out.push(`${id}@${end}`);
    }
  });
  return out.sort();
}

function scanAll(m: AhoCorasickMatcher, buf: Uint8Array, from?: number, to?: number): string[] {
  const out: string[] = [];
  m.scan(buf, (id, end) => out.push(`${id}@${end}`), from, to);
  return out.sort();
}

describe('AhoCorasickMatcher', () => {
  it.each([
    { name: 'overlapping patterns (he/she/his/hers)', patterns: ['he', 'she', 'his', 'hers'], input: 'ushers', expected: ['0@3', '1@3', '3@5'] },
    { name: 'case-sensitive does not match other case', patterns: ['GET'], input: 'get GET', expected: ['0@6'] },
    { name: 'nocase matches any case', patterns: [{ s: 'GET', nocase: true }], input: 'get GeT', expected: ['0@2', '0@6'] },
    { name: 'same bytes, one exact and one nocase', patterns: ['abc', { s: 'ABC', nocase: true }], input: 'aBc abc', expected: ['0@6', '1@2', '1@6'] },
    { name: 'binary bytes and repeats', patterns: ['\x00\x00', '\xff'], input: '\x00\x00\x00\xff', expected: ['0@1', '0@2', '1@3'] },
    { name: 'pattern equal to a suffix of another', patterns: ['abcd', 'cd', 'd'], input: 'abcd', expected: ['0@3', '1@3', '2@3'] },
    { name: 'no match', patterns: ['xyz'], input: 'abcabc', expected: [] },
  ])('$name', ({ patterns, input, expected }) => {
    const ps = patterns.map((p) => (typeof p === 'string' ? { bytes: bytes(p) } : { bytes: bytes(p.s), nocase: p.nocase }));
    expect(scanAll(new AhoCorasickMatcher(ps), bytes(input))).toEqual([...expected].sort());
  });

  it('respects the [from, to) range, and an exact pattern never reaches before from', () => {
    const m = new AhoCorasickMatcher([{ bytes: bytes('ab') }, { bytes: bytes('b') }]);
    expect(scanAll(m, bytes('abab'), 1, 3)).toEqual(['1@1']);
  });

  it.each([1, 64, 1 << 20])('gives the same matches with a dense budget of %i bytes', (denseTableBytes) => {
    const rnd = prng(7);
    const patterns = Array.from({ length: 300 }, () => ({ bytes: Uint8Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => 0x61 + Math.floor(rnd() * 4)), nocase: rnd() < 0.5 }));
    const input = Uint8Array.from({ length: 3000 }, () => 0x41 + Math.floor(rnd() * 4) + (rnd() < 0.5 ? 0x20 : 0));
    const m = new AhoCorasickMatcher(patterns, { denseTableBytes });
    expect(scanAll(m, input)).toEqual(naive(patterns, input));
  });

  it('matchedIds returns each id once, ascending', () => {
    const m = new AhoCorasickMatcher([{ bytes: bytes('b') }, { bytes: bytes('zz') }, { bytes: bytes('a') }]);
    expect(m.matchedIds(bytes('abab'))).toEqual([0, 2]);
  });

  it('rejects an empty pattern with its id', () => {
    expect(() => new AhoCorasickMatcher([{ bytes: bytes('a') }, { bytes: new Uint8Array(0) }]))
      .toThrow(expect.objectContaining({ code: 'AHO_CORASICK_EMPTY_PATTERN', patternId: 1 }));
    expect(() => new AhoCorasickMatcher([{ bytes: new Uint8Array(0) }])).toThrow(AhoCorasickPatternError);
  });

  it.each([
    { seed: 1, alphabet: 'abAB', patternCount: 40, maxLen: 5, inputLen: 2000 },
    { seed: 2, alphabet: 'aA\x00\xff', patternCount: 200, maxLen: 8, inputLen: 3000 },
    { seed: 3, alphabet: 'abcdefghABCDEFGH0123', patternCount: 500, maxLen: 4, inputLen: 5000 },
  ])('agrees with a naive matcher on random data (seed $seed)', ({ seed, alphabet, patternCount, maxLen, inputLen }) => {
    const rnd = prng(seed);
    const pick = (): number => alphabet.charCodeAt(Math.floor(rnd() * alphabet.length));
    const patterns: AhoCorasickPattern[] = [];
    for (let i = 0; i < patternCount; i++) {
      const len = 1 + Math.floor(rnd() * maxLen);
      patterns.push({ bytes: Uint8Array.from({ length: len }, pick), nocase: rnd() < 0.5 });
    }
    const input = Uint8Array.from({ length: inputLen }, pick);
    const expected = naive(patterns, input);
    expect(expected.length).toBeGreaterThan(0);
    expect(scanAll(new AhoCorasickMatcher(patterns), input)).toEqual(expected);
  });

  it('builds 10,000 patterns with tables of a few MiB and still agrees with the naive matcher', () => {
    const rnd = prng(42);
    const patterns: AhoCorasickPattern[] = [];
    for (let i = 0; i < 10_000; i++) {
      const len = 4 + Math.floor(rnd() * 28);
      patterns.push({ bytes: Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)), nocase: rnd() < 0.3 });
    }
    const m = new AhoCorasickMatcher(patterns);
    // ~160k states: a full 256-wide DFA would be ~160 MiB; the hybrid layout stays near
    // the dense budget (4 MiB) plus ~27 bytes per state.
    expect(m.stateCount).toBeGreaterThan(100_000);
    expect(m.denseStateCount).toBeGreaterThan(1000);
    expect(m.denseStateCount).toBeLessThan(m.stateCount);
    expect(m.tableBytes).toBeLessThan(10 * 1024 * 1024);
    const input = Uint8Array.from({ length: 4_000 }, () => Math.floor(rnd() * 256));
    // Plant a few patterns so there is something to find.
    [0, 17, 4242, 9999].forEach((id, k) => input.set(patterns[id].bytes, k * 1000));
    const got = scanAll(m, input);
    expect(got).toEqual(naive(patterns, input));
    expect(got.length).toBeGreaterThanOrEqual(4);
  });
});
