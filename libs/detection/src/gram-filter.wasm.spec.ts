import { gramFilterModuleBytes, instantiateGramFilter, type WasmFilterFunction } from './gram-filter.wasm';
import { prng } from './seeded-random.fixture';

const MULT = 0x27d4eb2d;
const FOLD4 = 0x20202020;
const HITS = 0;
const TEXT = 4096;
const BITMAP = 65536;

/** What SampledGramMatcher's JS filter pass reports for the same memory: the addresses of the samples whose bit is set. */
function reference(mem: Int32Array, p: number, end: number, step: number, shift: number, shift3: number, bitmap3: number, gram3: boolean): number[] {
  const out: number[] = [];
  for (; p <= end; p += step) {
    const x = mem[p >>> 2] | FOLD4;
    const h = Math.imul(x, MULT) >>> shift;
    let bit = mem[(BITMAP >>> 2) + (h >>> 5)] >>> h;
    if (gram3) {
      const t = Math.imul(x & 0xffffff, MULT) >>> shift3;
      bit |= mem[(bitmap3 >>> 2) + (t >>> 5)] >>> t;
    }
    if ((bit & 1) !== 0) out.push(p);
  }
  return out;
}

describe('gram filter (wasm)', () => {
  const filter = instantiateGramFilter(1 << 20)!;

  it('assembles a valid module', () => {
    const bytes = gramFilterModuleBytes();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(filter).not.toBeNull();
  });

  it.each([
    { name: 'stride 4, 4-byte bitmap only', step: 4, bits: 16, gram3: false, words: 365, setBits: 300 },
    { name: 'stride 8', step: 8, bits: 18, gram3: false, words: 1024, setBits: 2000 },
    { name: 'with the 3-byte bitmap', step: 4, bits: 14, gram3: true, words: 512, setBits: 200 },
    { name: 'a single sample', step: 4, bits: 12, gram3: true, words: 1, setBits: 4000 },
    { name: 'every bit set: every sample hits', step: 4, bits: 12, gram3: false, words: 512, setBits: -1 },
    { name: 'no bit set', step: 4, bits: 20, gram3: true, words: 400, setBits: 0 },
  ])('reports the samples the JS pass reports: $name', ({ step, bits, gram3, words, setBits }) => {
    const mem = new Int32Array(filter.memory);
    const rnd = prng(bits * 31 + words);
    const shift = 32 - bits;
    const shift3 = shift + 4;
    const bitmap3 = BITMAP + 4 * (1 << (bits - 5));
    for (let round = 0; round < 20; round++) {
      mem.fill(0, BITMAP >>> 2, (bitmap3 >>> 2) + (1 << (bits - 9)));
      if (setBits < 0) mem.fill(-1, BITMAP >>> 2, bitmap3 >>> 2);
      for (let i = 0; i < setBits; i++) {
        const h = Math.floor(rnd() * 2 ** bits);
        mem[(BITMAP >>> 2) + (h >>> 5)] |= 1 << (h & 31);
        const t = h >>> 4;
        mem[(bitmap3 >>> 2) + (t >>> 5)] |= 1 << (t & 31);
      }
      // Text over a small alphabet (so the same words recur) and random words.
      for (let w = 0; w < words * (step / 4); w++) mem[(TEXT >>> 2) + w] = rnd() < 0.5 ? (Math.floor(rnd() * 2 ** 32) | 0) : 0x61616161 + Math.floor(rnd() * 3);
      const end = TEXT + step * (words - 1);
      const f: WasmFilterFunction = gram3 ? filter.filter43 : filter.filter4;
      const n = f(TEXT, end, step, MULT, shift, BITMAP, HITS, shift3, bitmap3);
      expect(Array.from(mem.subarray(HITS >>> 2, (HITS >>> 2) + n))).toEqual(reference(mem, TEXT, end, step, shift, shift3, bitmap3, gram3));
    }
  });
});
