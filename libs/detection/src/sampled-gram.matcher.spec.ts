import { AhoCorasickMatcher, type AhoCorasickPattern } from './aho-corasick.matcher';
import { SAMPLED_MIN_LENGTH, SampledGramMatcher, SampledGramPatternTooShortError } from './sampled-gram.matcher';
import { WuManberMatcher } from './wu-manber.matcher';
import { bytes, prng, randomWorkload } from './seeded-random.fixture';


type Scanner = { scan(buf: Uint8Array, onMatch: (id: number, end: number) => void, from?: number, to?: number): void };

function scanAll(m: Scanner, buf: Uint8Array, from?: number, to?: number): string[] {
  const out: string[] = [];
  m.scan(buf, (id, end) => out.push(`${id}@${end}`), from, to);
  return out.sort();
}

const toPatterns = (list: readonly (string | { s: string; nocase: boolean })[]): AhoCorasickPattern[] =>
  list.map((p) => (typeof p === 'string' ? { bytes: bytes(p) } : { bytes: bytes(p.s), nocase: p.nocase }));

const sampled = (patterns: readonly AhoCorasickPattern[]) => new SampledGramMatcher(patterns.map((p, id) => ({ ...p, id })));

/**
 * `input` copied into a fresh ArrayBuffer at byte offset `shift` (0-3: every alignment of the
 * words the filter reads), with `after` bytes of 'Z' behind it (0: the view ends its ArrayBuffer).
 */
function placed(input: Uint8Array, shift: number, after: number): Uint8Array {
  const ab = new ArrayBuffer(shift + input.length + after);
  new Uint8Array(ab).fill(0x5a);
  const view = new Uint8Array(ab, shift, input.length);
  view.set(input);
  return view;
}

const PLACEMENTS = [0, 1, 2, 3].flatMap((shift) => [0, 1, 5].map((after) => ({ shift, after })));

describe('SampledGramMatcher', () => {
  it.each([
    { name: 'at buffer start and end', patterns: ['GET /index', 'HTTP/1.1'], input: 'GET /index.html HTTP/1.1', expected: ['0@9', '1@23'] },
    { name: 'overlapping occurrences of one pattern', patterns: ['aaaaaa'], input: 'aaaaaaaaa', expected: ['0@5', '0@6', '0@7', '0@8'] },
    { name: 'overlapping patterns of different lengths', patterns: ['abcdef', 'bcdefgh', 'cdefghijklmn'], input: 'abcdefghijklmn', expected: ['0@5', '1@7', '2@13'] },
    { name: 'case-sensitive does not match other case', patterns: ['Host: a'], input: 'host: a Host: a', expected: ['0@14'] },
    { name: 'nocase matches any case', patterns: [{ s: 'User-Agent', nocase: true }], input: 'user-agent USER-AGENT', expected: ['0@9', '0@20'] },
    { name: 'same bytes, one exact and one nocase', patterns: ['abcdefg', { s: 'ABCDEFG', nocase: true }], input: 'aBcDeFg abcdefg', expected: ['0@14', '1@6', '1@14'] },
    { name: 'fold of | 0x20 merges @ and a backtick: verification tells them apart', patterns: ['a@b@c@d'], input: 'a`b`c`d a@b@c@d', expected: ['0@14'] },
    { name: 'hex bytes', patterns: ['\x00\x00\xff\x00\x01\x02', '\xff\x00\x01\x02\xfe\xfe\xfe'], input: '\x00\x00\x00\xff\x00\x01\x02\xfe\xfe\xfe', expected: ['0@6', '1@9'] },
    { name: 'a pattern longer than the buffer', patterns: ['abcdefghij'], input: 'abcdefghi', expected: [] },
    { name: 'duplicate patterns both report', patterns: ['dupe!!', 'dupe!!'], input: '.dupe!!.', expected: ['0@6', '1@6'] },
    { name: 'empty buffer', patterns: ['abcdef'], input: '', expected: [] },
    { name: 'a buffer shorter than a word', patterns: ['abcdef'], input: 'abc', expected: [] },
    { name: 'long patterns only: stride 8', patterns: ['0123456789', 'abcdefghijklmnop'], input: 'x0123456789abcdefghijklmnopq', expected: ['0@10', '1@26'] },
    { name: 'no patterns', patterns: [], input: 'anything at all', expected: [] },
  ])('$name, at every alignment', ({ patterns, input, expected }) => {
    const m = sampled(toPatterns(patterns));
    for (const { shift, after } of PLACEMENTS) {
      expect({ shift, after, got: scanAll(m, placed(bytes(input), shift, after)) }).toEqual({ shift, after, got: [...expected].sort() });
    }
  });

  it('reports only occurrences inside [from, to)', () => {
    const m = sampled(toPatterns(['abcabc', 'bcabca']));
    const input = bytes('abcabcabcabc');
    for (const { shift, after } of PLACEMENTS) {
      const buf = placed(input, shift, after);
      expect(scanAll(m, buf, 1, 12)).toEqual(['0@11', '0@8', '1@6', '1@9']);
      expect(scanAll(m, buf, 0, 8)).toEqual(['0@5', '1@6']);
      expect(scanAll(m, buf, 3, 9)).toEqual(['0@8']);
    }
  });

  it('strides: 4 bytes while the shortest pattern has under 10 bytes, then 8', () => {
    expect(sampled(toPatterns(['abcdef'])).stride).toBe(4);
    expect(sampled(toPatterns(['abcdefghi', 'abcdefghijklmnopqrstuvwxyz'])).stride).toBe(4);
    expect(sampled(toPatterns(['abcdefghij'])).stride).toBe(8);
  });

  it('rejects a pattern shorter than SAMPLED_MIN_LENGTH with its id', () => {
    expect(() => new SampledGramMatcher([{ bytes: bytes('abcdefgh'), id: 3 }, { bytes: bytes('abcde'), id: 7 }]))
      .toThrow(expect.objectContaining({ code: 'SAMPLED_GRAM_PATTERN_TOO_SHORT', patternId: 7, length: 5 }));
    expect(() => new SampledGramMatcher([{ bytes: bytes('abc'), id: 0 }])).toThrow(SampledGramPatternTooShortError);
    expect(SAMPLED_MIN_LENGTH).toBe(6);
  });

  it('finds a pattern at every offset around the filter chunks (512 samples, 2 KiB) and the buffer end', () => {
    const patterns = toPatterns(['chunky', { s: 'ChunkBoundary', nocase: true }]);
    const m = sampled(patterns);
    const ac = new AhoCorasickMatcher(patterns);
    const input = new Uint8Array(4200).fill(0x2e);
    for (const at of [...Array.from({ length: 24 }, (_, k) => 2036 + k), ...Array.from({ length: 24 }, (_, k) => 4084 + k), 4194, 4187]) {
      const text = input.slice();
      text.set(bytes(at % 2 === 0 ? 'chunky' : 'cHUNKbOUNDARY'), at);
      for (const shift of [0, 1, 2, 3]) {
        const got = scanAll(m, placed(text, shift, 0));
        expect({ at, shift, got }).toEqual({ at, shift, got: scanAll(ac, text) });
        expect(got).toHaveLength(1);
      }
    }
  });

  it('keeps working when scans alternate between ArrayBuffers', () => {
    const m = sampled(toPatterns(['needle!', 'haystack']));
    const a = placed(bytes('..needle!..'), 1, 3);
    const b = placed(bytes('a haystack and a needle!'), 2, 0);
    for (let round = 0; round < 3; round++) {
      expect(scanAll(m, a)).toEqual(['0@8']);
      expect(scanAll(m, b)).toEqual(['0@23', '1@9']);
    }
  });

  // Same matches as Aho-Corasick on random inputs: small alphabets (many grams shared, many
  // hits), patterns planted at both ends in mixed case, every alignment, sub-ranges.
  it.each([
    { seed: 1, alphabet: 'abAB', patternCount: 40, minLen: 6, maxLen: 9, inputLen: 3000 },
    { seed: 2, alphabet: 'aA\x00\xff', patternCount: 200, minLen: 6, maxLen: 12, inputLen: 3000 },
    { seed: 3, alphabet: 'abcdefghABCDEFGH0123', patternCount: 500, minLen: 6, maxLen: 20, inputLen: 5000 },
    { seed: 4, alphabet: 'aaaaaaab', patternCount: 30, minLen: 6, maxLen: 30, inputLen: 4000 },
    { seed: 5, alphabet: 'xyzXYZ-/.@`', patternCount: 300, minLen: 10, maxLen: 20, inputLen: 6000 },
    { seed: 6, alphabet: 'GET /HTTP1.0', patternCount: 100, minLen: 7, maxLen: 7, inputLen: 2000 },
  ])('agrees with Aho-Corasick on random data (seed $seed)', ({ seed, alphabet, patternCount, minLen, maxLen, inputLen }) => {
    const rnd = prng(seed);
    const { patterns, input } = randomWorkload(rnd, { alphabet, patternCount, minLen, maxLen, inputLen });
    for (const [k, at] of [[0, 0], [1, inputLen - patterns[1].bytes.length], [2, 101]] as const) {
      const p = patterns[k].bytes;
      input.set(patterns[k].nocase ? p.map((b) => (rnd() < 0.5 && b >= 0x61 && b <= 0x7a ? b - 0x20 : b)) : p, at);
    }
    const ac = new AhoCorasickMatcher(patterns);
    const expected = scanAll(ac, input);
    expect(expected.length).toBeGreaterThan(0);
    const m = sampled(patterns);
    const wm = new WuManberMatcher(patterns);
    for (const { shift, after } of PLACEMENTS) {
      const buf = placed(input, shift, after);
      expect(scanAll(m, buf)).toEqual(expected);
      expect(scanAll(wm, buf)).toEqual(expected);
      expect(scanAll(m, buf, 7, inputLen - 5)).toEqual(scanAll(ac, input, 7, inputLen - 5));
    }
  });

  it('agrees with Aho-Corasick for 10,000 patterns, random bytes and HTTP-like text, some planted', () => {
    const rnd = prng(42);
    const words = ['GET /', 'Host: ', 'User-Agent', 'HTTP/1.', 'Content-Type', '/api/v', 'select ', 'Mozilla/5.0 ('];
    const suffix = 'abcdefghijklmnopqrstuvwxyz0123456789_-';
    const patterns: AhoCorasickPattern[] = [];
    for (let i = 0; i < 10_000; i++) {
      const len = 6 + Math.floor(rnd() * 15);
      let text = '';
      if (i % 2 === 0) {
        text = words[Math.floor(rnd() * words.length)].slice(0, len - 4);
        while (text.length < len) text += suffix[Math.floor(rnd() * suffix.length)];
        patterns.push({ bytes: bytes(text), nocase: rnd() < 0.25 });
      } else {
        patterns.push({ bytes: Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)), nocase: rnd() < 0.3 });
      }
    }
    const parts: string[] = [];
    for (let i = 0; i < 600; i++) parts.push(words[Math.floor(rnd() * words.length)], String.fromCharCode(...Array.from({ length: 8 }, () => suffix.charCodeAt(Math.floor(rnd() * suffix.length)))));
    const input = bytes(parts.join(' '));
    [0, 17, 4242, 9999, 5000].forEach((id, k) => input.set(patterns[id].bytes, k * 1000 + k));
    const expected = scanAll(new AhoCorasickMatcher(patterns), input);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const m = sampled(patterns);
    for (const shift of [0, 3]) expect(scanAll(m, placed(input, shift, 0))).toEqual(expected);
  });
});
