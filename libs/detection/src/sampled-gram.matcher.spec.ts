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

  it('keeps working when scans move between three ArrayBuffers (two word views are kept)', () => {
    const m = sampled(toPatterns(['needle!', 'haystack', 'x-bound']));
    const a = placed(bytes('..needle!..'), 1, 3);
    const b = placed(bytes('a haystack and a needle!'), 2, 0);
    const c = placed(bytes('x-boundx-bound'), 3, 1);
    const expected = new Map([[a, ['0@8']], [b, ['0@23', '1@9']], [c, ['2@13', '2@6']]]);
    for (const buf of [a, b, a, c, b, c, a, a, b, c, c, a]) expect(scanAll(m, buf)).toEqual(expected.get(buf));
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

  // The filter pass runs as wasm by default (gram-filter.wasm.ts), as JS with `wasm: false`: the
  // same matches either way, with stride 4 and 8, both bitmaps, around the chunk size.
  it.each([
    { seed: 21, alphabet: 'abAB', minLen: 6, maxLen: 9, patternCount: 60, inputLen: 5000 },
    { seed: 22, alphabet: 'GET /HTTP1.0host', minLen: 6, maxLen: 6, patternCount: 500, inputLen: 4500 },
    { seed: 23, alphabet: 'xyzXYZ-/.@`', minLen: 10, maxLen: 20, patternCount: 300, inputLen: 9000 },
    { seed: 24, alphabet: 'abcdefghABCDEFGH0123', minLen: 14, maxLen: 30, patternCount: 50, inputLen: 3000 },
  ])('wasm and JS filter passes report the same matches as Aho-Corasick (seed $seed)', ({ seed, alphabet, minLen, maxLen, patternCount, inputLen }) => {
    const rnd = prng(seed);
    const { patterns, input } = randomWorkload(rnd, { alphabet, patternCount, minLen, maxLen, inputLen });
    input.set(patterns[0].bytes, 2048 - 3);
    input.set(patterns[1].bytes, inputLen - patterns[1].bytes.length);
    const expected = scanAll(new AhoCorasickMatcher(patterns), input);
    expect(expected.length).toBeGreaterThan(0);
    const ids = patterns.map((p, id) => ({ ...p, id }));
    const viaWasm = new SampledGramMatcher(ids);
    const viaJs = new SampledGramMatcher(ids, { wasm: false });
    for (const { shift, after } of PLACEMENTS) {
      const buf = placed(input, shift, after);
      expect(scanAll(viaWasm, buf)).toEqual(expected);
      expect(scanAll(viaJs, buf)).toEqual(expected);
      expect(scanAll(viaWasm, buf, 5, inputLen - 9)).toEqual(scanAll(viaJs, buf, 5, inputLen - 9));
    }
    // Shorter buffers after longer ones: the wasm copy holds the former text past the new end.
    for (let cut = inputLen; cut > inputLen - 40; cut -= 3) {
      for (const { shift, after } of PLACEMENTS) {
        const buf = placed(input.subarray(0, cut), shift, after);
        expect(scanAll(viaWasm, buf)).toEqual(scanAll(viaJs, buf));
      }
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

  /** Every occurrence by brute force: indexOf's definition, per pattern, nocase folded. */
  function naiveMatches(patterns: readonly AhoCorasickPattern[], input: Uint8Array, from = 0, to = input.length): string[] {
    const fold = (b: number) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
    const out: string[] = [];
    patterns.forEach((p, id) => {
      for (let at = from; at + p.bytes.length <= to; at++) {
        let j = 0;
        while (j < p.bytes.length && (p.nocase ? fold(input[at + j]) === fold(p.bytes[j]) : input[at + j] === p.bytes[j])) j++;
        if (j === p.bytes.length) out.push(`${id}@${at + p.bytes.length - 1}`);
      }
    });
    return out.sort();
  }

  // The 3-byte grams of 6-byte patterns go into the 4-byte bitmap (once per value of the word's
  // fourth byte) while it stays sparse; past that, the filter tests their own bitmap. Both ways
  // must report exactly what a brute-force search reports, at every alignment and sub-range.
  it.each([
    { seed: 11, sixes: 3, longer: 40, alphabet: 'abcAB/ .', expanded: true },
    { seed: 12, sixes: 60, longer: 300, alphabet: 'GETHOSTget host/1.:', expanded: true },
    { seed: 13, sixes: 400, longer: 100, alphabet: 'abcdefABCDEF \x00\xff', expanded: false },
    { seed: 14, sixes: 0, longer: 300, alphabet: 'wxyzWXYZ-_', expanded: false },
  ])('3-byte grams in the word bitmap: $expanded ($sixes six-byte patterns), same matches as a brute-force search', ({ seed, sixes, longer, alphabet, expanded }) => {
    const rnd = prng(seed);
    const six = randomWorkload(rnd, { alphabet, patternCount: sixes, minLen: 6, maxLen: 6, inputLen: 0 }).patterns;
    const { patterns: rest, input } = randomWorkload(rnd, { alphabet, patternCount: longer, minLen: 7, maxLen: 20, inputLen: 2500 });
    const patterns = [...six, ...rest];
    // Planted: at the start, at the end, straddling a word boundary, overlapping each other.
    const plant = (k: number, at: number) => input.set(patterns[k].bytes, at);
    plant(0, 0);
    plant(1, input.length - patterns[1].bytes.length);
    plant(2, 1001);
    plant(patterns.length - 1, 1003);
    const m = sampled(patterns);
    expect(m.gram3InWordBitmap).toBe(expanded);
    const expected = naiveMatches(patterns, input);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (const { shift, after } of PLACEMENTS) {
      const buf = placed(input, shift, after);
      expect({ shift, after, got: scanAll(m, buf) }).toEqual({ shift, after, got: expected });
      expect(scanAll(m, buf, 5, 2497)).toEqual(naiveMatches(patterns, input, 5, 2497));
    }
  });

  it('agrees with a brute-force search on 20 random HTTP-like workloads (WuManberMatcher too)', () => {
    const rnd = prng(2026);
    const words = ['GET /', 'Host: ', 'HTTP/1.1', 'Mozilla/5.0 (', 'cookie', 'Content-Type: ', 'download'];
    for (let round = 0; round < 20; round++) {
      const patterns: AhoCorasickPattern[] = Array.from({ length: 50 + Math.floor(rnd() * 150) }, () => {
        const w = words[Math.floor(rnd() * words.length)];
        const len = 6 + Math.floor(rnd() * 15);
        let text = w.slice(0, Math.max(0, len - 2 - Math.floor(rnd() * 4)));
        while (text.length < len) text += String.fromCharCode(0x61 + Math.floor(rnd() * 6));
        return { bytes: bytes(text), nocase: rnd() < 0.3 };
      });
      const parts: string[] = [];
      while (parts.join('').length < 1500) {
        const r = rnd();
        parts.push(r < 0.6 ? words[Math.floor(rnd() * words.length)] : r < 0.8 ? String.fromCharCode(0x61 + Math.floor(rnd() * 6)).repeat(1 + Math.floor(rnd() * 3))
          : r < 0.9 ? Buffer.from(patterns[Math.floor(rnd() * patterns.length)].bytes).toString('latin1').toUpperCase() : Buffer.from(patterns[Math.floor(rnd() * patterns.length)].bytes).toString('latin1'));
      }
      const input = bytes(parts.join(''));
      const expected = naiveMatches(patterns, input);
      const shift = round % 4;
      const buf = placed(input, shift, round % 3);
      expect({ round, got: scanAll(sampled(patterns), buf) }).toEqual({ round, got: expected });
      expect({ round, got: scanAll(new WuManberMatcher(patterns), buf) }).toEqual({ round, got: expected });
    }
  });

  it('reports the same matches whichever ArrayBuffers it scanned before (the word views it keeps)', () => {
    const patterns = toPatterns(['GET /index', { s: 'user-agent', nocase: true }, 'abcdef']);
    const m = sampled(patterns);
    const ac = new AhoCorasickMatcher(patterns);
    const inputs = ['GET /index.html User-Agent', 'xxabcdefxx GET /index', 'USER-AGENT: abcdef', 'nothing to see here at all']
      .map((t, k) => placed(bytes(t), k % 4, k));
    // A, B, A, C, B, D, A, D, ...: the view of the last buffer, of the one before, and of a new one.
    for (const k of [0, 1, 0, 2, 1, 3, 0, 3, 3, 2, 0, 1]) {
      expect(scanAll(m, inputs[k])).toEqual(scanAll(ac, inputs[k]));
    }
    // two views of one ArrayBuffer at different offsets share the word view
    const shared = new Uint8Array(64);
    shared.set(bytes('abcdef GET /index'), 3);
    expect(scanAll(m, shared.subarray(3, 20))).toEqual(['0@16', '2@5']);
    expect(scanAll(m, shared.subarray(4, 20))).toEqual(['0@15']);
  });
});
