import { ThresholdEntryInvalidError, ThresholdKind, ThresholdSpec, ThresholdSpecInvalidError, ThresholdTracker, validateThresholdSpec } from './threshold.tracker';

const S = 1_000_000;
const spec = (kind: ThresholdKind, count: number, seconds: number, track: 'by_src' | 'by_dst' = 'by_src'): ThresholdSpec => ({ kind, track, count, seconds });

/** Runs matches from one source at the given times (seconds) and returns which alerted. */
function run(s: ThresholdSpec, times: number[]): boolean[] {
  const t = new ThresholdTracker();
  return times.map((sec) => t.shouldAlert(s, 1000, 1, '10.0.0.1', '10.0.0.2', sec * S));
}

describe('ThresholdTracker', () => {
  // Every case of this table is what Suricata 7.0.10 alerted on for the same packet times
  // (UDP packets matching `content:"X"` with the same threshold option, --runmode single).
  it.each([
    { name: 'limit 2 per 10 s: first two of each window', s: spec('limit', 2, 10), times: [0, 1, 2, 3, 10, 11, 12], alerts: [true, true, false, false, true, true, false] },
    { name: 'limit 1', s: spec('limit', 1, 60), times: [0, 30, 59, 60], alerts: [true, false, false, true] },
    { name: 'threshold 3 per 10 s: every 3rd', s: spec('threshold', 3, 10), times: [0, 1, 2, 3, 4, 5, 6], alerts: [false, false, true, false, false, true, false] },
    { name: 'threshold: the window restarts, the count with it', s: spec('threshold', 3, 10), times: [0, 1, 10, 11, 12], alerts: [false, false, false, false, true] },
    { name: 'both 3 per 10 s: once per window on the 3rd', s: spec('both', 3, 10), times: [0, 1, 2, 3, 4, 10, 11, 12, 13], alerts: [false, false, true, false, false, false, false, true, false] },
    { name: 'both 1: first of each window', s: spec('both', 1, 10), times: [0, 5, 10, 19, 20], alerts: [true, false, true, false, true] },
    { name: 'detection_filter 2 per 10 s: every match after the 2nd', s: spec('detection_filter', 2, 10), times: [0, 1, 2, 3, 4, 10, 11, 12], alerts: [false, false, true, true, true, false, false, true] },
    { name: 'windows compare microseconds, not whole seconds', s: spec('limit', 1, 1), times: [0.9, 1.1, 1.9, 2.0], alerts: [true, false, true, false] },
    { name: 'threshold 1 with a sub-second repeat', s: spec('threshold', 1, 10), times: [0, 0.5, 50], alerts: [true, true, true] },
  ])('$name', ({ s, times, alerts }) => {
    expect(run(s, times)).toEqual(alerts);
  });

  it.each([
    { track: 'by_src' as const, alerts: [true, true, false] },
    { track: 'by_dst' as const, alerts: [true, false, false] },
  ])('tracks $track', ({ track, alerts }) => {
    const t = new ThresholdTracker();
    const s = spec('limit', 1, 60, track);
    expect([
      t.shouldAlert(s, 1, 1, '10.0.0.1', '10.9.9.9', 0),
      t.shouldAlert(s, 1, 1, '10.0.0.2', '10.9.9.9', 1 * S),
      t.shouldAlert(s, 1, 1, '10.0.0.1', '10.9.9.9', 2 * S),
    ]).toEqual(alerts);
  });

  it('keeps rules (sid and gid) apart', () => {
    const t = new ThresholdTracker();
    const s = spec('limit', 1, 60);
    expect([t.shouldAlert(s, 1, 1, 'a', 'b', 0), t.shouldAlert(s, 2, 1, 'a', 'b', 0), t.shouldAlert(s, 1, 3, 'a', 'b', 0), t.shouldAlert(s, 1, 1, 'a', 'b', 0)])
      .toEqual([true, true, true, false]);
  });

  it('bounds the tracked keys, evicting the least recently used', () => {
    const t = new ThresholdTracker({ maxKeys: 2 });
    const s = spec('limit', 1, 60);
    t.shouldAlert(s, 1, 1, 'a', 'x', 0);
    t.shouldAlert(s, 1, 1, 'b', 'x', 0);
    t.shouldAlert(s, 1, 1, 'a', 'x', 1 * S);
    t.shouldAlert(s, 1, 1, 'c', 'x', 2 * S);
    expect(t.size).toBe(2);
    expect(t.counters.evicted).toBe(1);
    // 'a' stayed (limited), 'b' was evicted and alerts again.
    expect([t.shouldAlert(s, 1, 1, 'a', 'x', 3 * S), t.shouldAlert(s, 1, 1, 'b', 'x', 3 * S)]).toEqual([false, true]);
  });

  it('expires entries whose window is over', () => {
    const t = new ThresholdTracker();
    t.shouldAlert(spec('limit', 1, 10), 1, 1, 'a', 'x', 0);
    t.shouldAlert(spec('limit', 1, 100), 2, 1, 'a', 'x', 0);
    expect(t.expire(50 * S)).toBe(1);
    expect(t.size).toBe(1);
  });

  it.each([
    { s: spec('limit', 0, 10), reason: /count/ },
    { s: spec('both', 1.5, 10), reason: /count/ },
    { s: spec('threshold', 1, 0), reason: /seconds/ },
    { s: { ...spec('limit', 1, 1), kind: 'rate' as ThresholdKind }, reason: /kind/ },
  ])('rejects $s', ({ s, reason }) => {
    expect(() => validateThresholdSpec(s)).toThrow(ThresholdSpecInvalidError);
    expect(() => validateThresholdSpec(s)).toThrow(reason);
  });

  describe('changes and restore (a stage keeps the windows in a changelog)', () => {
    it('reports each changed window once, with its values, and dropped ones as null', () => {
      const t = new ThresholdTracker({ maxKeys: 2 });
      const s = spec('threshold', 3, 10);
      t.shouldAlert(s, 1, 1, 'a', 'x', 0);
      t.shouldAlert(s, 1, 1, 'a', 'x', 1 * S);
      expect(t.takeChanges()).toEqual([['1:1:threshold:a', { windowStartUs: 0, count: 2, seconds: 10 }]]);
      expect(t.takeChanges()).toEqual([]);
      t.shouldAlert(s, 1, 1, 'b', 'x', 2 * S);
      t.shouldAlert(s, 1, 1, 'c', 'x', 3 * S); // evicts 'a'
      expect(t.takeChanges()).toEqual([
        ['1:1:threshold:b', { windowStartUs: 2 * S, count: 1, seconds: 10 }],
        ['1:1:threshold:a', null],
        ['1:1:threshold:c', { windowStartUs: 3 * S, count: 1, seconds: 10 }],
      ]);
      t.expire(12.5 * S);
      expect(t.takeChanges()).toEqual([['1:1:threshold:b', null]]);
    });

    it('a threshold of 1 keeps no window, so reports none', () => {
      const t = new ThresholdTracker();
      expect(t.shouldAlert(spec('threshold', 1, 10), 1, 1, 'a', 'x', 0)).toBe(true);
      expect(t.takeChanges()).toEqual([]);
    });

    it.each([
      { kind: 'limit' as const, count: 2 },
      { kind: 'threshold' as const, count: 3 },
      { kind: 'both' as const, count: 3 },
      { kind: 'detection_filter' as const, count: 2 },
    ])('$kind $count: a tracker restored from the changes decides as the one that never stopped', ({ kind, count }) => {
      const s = spec(kind, count, 10);
      const times = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 21];
      const whole = run(s, times);
      for (let stop = 1; stop < times.length; stop++) {
        const first = new ThresholdTracker();
        const before = times.slice(0, stop).map((sec) => first.shouldAlert(s, 1000, 1, '10.0.0.1', '10.0.0.2', sec * S));
        const log = new Map(first.takeChanges());
        const second = new ThresholdTracker();
        for (const [key, entry] of log) if (entry !== null) second.restore(key, JSON.parse(JSON.stringify(entry)));
        expect(second.takeChanges()).toEqual([]);
        const after = times.slice(stop).map((sec) => second.shouldAlert(s, 1000, 1, '10.0.0.1', '10.0.0.2', sec * S));
        expect([...before, ...after]).toEqual(whole);
      }
    });

    it('restores in least-recently-used order, so eviction picks the same window', () => {
      const t = new ThresholdTracker({ maxKeys: 2 });
      t.restore('k1', { windowStartUs: 0, count: 1, seconds: 60 });
      t.restore('k2', { windowStartUs: 0, count: 1, seconds: 60 });
      t.shouldAlert(spec('limit', 1, 60), 1, 1, 'new', 'x', 1 * S);
      expect(t.takeChanges()).toEqual([['k1', null], ['1:1:limit:new', { windowStartUs: 1 * S, count: 1, seconds: 60 }]]);
    });

    it.each([
      { entry: null, reason: /not an object/ },
      { entry: 'x', reason: /not an object/ },
      { entry: { windowStartUs: 0, count: 1 }, reason: /integers/ },
      { entry: { windowStartUs: 0.5, count: 1, seconds: 10 }, reason: /integers/ },
      { entry: { windowStartUs: 0, count: -1, seconds: 10 }, reason: /integers/ },
      { entry: { windowStartUs: 0, count: 1, seconds: 0 }, reason: /integers/ },
    ])('refuses to restore $entry', ({ entry, reason }) => {
      const t = new ThresholdTracker();
      expect(() => t.restore('1:1:limit:a', entry)).toThrow(ThresholdEntryInvalidError);
      expect(() => t.restore('1:1:limit:a', entry)).toThrow(reason);
      expect(t.size).toBe(0);
    });
  });
});
