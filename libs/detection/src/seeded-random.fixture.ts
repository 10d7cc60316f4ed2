// Test fixtures shared by the matchers' specs (not exported from the lib).

/** Latin-1 text as bytes: every char one byte, as rule contents and payloads are compared. */
export const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

/** mulberry32: a fixed-seed generator so the property tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random patterns of `minLen`-`maxLen` bytes and an input of `inputLen` bytes, all drawn from `alphabet`; half the patterns nocase. */
export function randomWorkload(rnd: () => number, o: { alphabet: string; patternCount: number; minLen: number; maxLen: number; inputLen: number }): { patterns: { bytes: Uint8Array; nocase: boolean }[]; input: Uint8Array } {
  const pick = (): number => o.alphabet.charCodeAt(Math.floor(rnd() * o.alphabet.length));
  const patterns: { bytes: Uint8Array; nocase: boolean }[] = [];
  for (let i = 0; i < o.patternCount; i++) {
    const len = o.minLen + Math.floor(rnd() * (o.maxLen - o.minLen + 1));
    patterns.push({ bytes: Uint8Array.from({ length: len }, pick), nocase: rnd() < 0.5 });
  }
  return { patterns, input: Uint8Array.from({ length: o.inputLen }, pick) };
}
