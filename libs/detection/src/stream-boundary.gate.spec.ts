import { BoundaryGatePatternTooShortError, StreamBoundaryGate } from './stream-boundary.gate';
import { bytes, prng } from './seeded-random.fixture';

/** Whether some pattern occurs in tail + data with bytes on both sides of the boundary (ASCII case folded). */
function crosses(patterns: Uint8Array[], tail: Uint8Array, data: Uint8Array): boolean {
  const text = Buffer.concat([tail, data]).toString('latin1').toLowerCase();
  return patterns.some((p) => {
    const needle = Buffer.from(p).toString('latin1').toLowerCase();
    for (let s = Math.max(0, tail.length - needle.length + 1); s < tail.length; s++) {
      if (s + needle.length > tail.length && text.startsWith(needle, s)) return true;
    }
    return false;
  });
}

describe('StreamBoundaryGate', () => {
  const gate = new StreamBoundaryGate(['GET /evil', 'abcd', 'Mozilla/5.0 (x'].map((s) => ({ bytes: bytes(s) })));

  it.each([
    ['a split after the first byte', 'xxG', 'ET /evil', true],
    ['a split in the middle', 'xxGET', ' /evil', true],
    ['a split before the last byte', 'xxGET /evi', 'l', true],
    ['a split before the last byte, more data after it', 'xxGET /evi', 'lzz', true],
    ['a 4-byte pattern split in two', 'ab', 'cd', true],
    ['a split in other case (the gate folds ASCII case)', 'xxgEt /E', 'ViL', true],
    ['a tail of one byte (not told apart)', 'G', 'zzzz', true],
    ['data of one byte (not told apart)', 'zzzz', 'l', true],
    ['no pattern around the boundary', 'HTTP/1.1 200 OK\r\n', 'Server: x\r\n', false],
    ['a pattern whole in the data', 'zzzz', 'GET /evil', false],
    ['a pattern whole in the tail', 'GET /evil', 'zzzz', false],
  ])('%s', (_what, tail, data, expected) => {
    expect(gate.mayCross(bytes(tail), bytes(data))).toBe(expected);
  });

  it('never says no where a pattern crosses the boundary (random text, small alphabets)', () => {
    const rnd = prng(7);
    for (const alphabet of ['ab', 'abC', 'GET /Host:\r\n', 'xyzXYZ01']) {
      const pick = () => alphabet.charCodeAt(Math.floor(rnd() * alphabet.length));
      const patterns = Array.from({ length: 12 }, () => Uint8Array.from({ length: 4 + Math.floor(rnd() * 6) }, pick));
      const g = new StreamBoundaryGate(patterns.map((p) => ({ bytes: p })));
      let crossed = 0;
      let refused = 0;
      for (let i = 0; i < 3000; i++) {
        const tail = Uint8Array.from({ length: 2 + Math.floor(rnd() * 10) }, pick);
        const data = Uint8Array.from({ length: 2 + Math.floor(rnd() * 10) }, pick);
        const truth = crosses(patterns, tail, data);
        if (truth) crossed++;
        const said = g.mayCross(tail, data);
        if (!said) refused++;
        if (truth) expect(said).toBe(true);
      }
      expect(crossed).toBeGreaterThan(0);
      if (alphabet.length > 4) expect(refused).toBeGreaterThan(0);
    }
  });

  it('refuses patterns shorter than 4 bytes, naming the pattern', () => {
    expect(() => new StreamBoundaryGate([{ bytes: bytes('abcd') }, { bytes: bytes('abc') }])).toThrow(BoundaryGatePatternTooShortError);
    try {
      new StreamBoundaryGate([{ bytes: bytes('abc') }]);
    } catch (e) {
      expect((e as BoundaryGatePatternTooShortError).code).toBe('BOUNDARY_GATE_PATTERN_TOO_SHORT');
      expect((e as BoundaryGatePatternTooShortError).patternIndex).toBe(0);
    }
  });
});
