import { ReplayCheckpoints, ReplayCheckpointsInvalidError } from './replay-checkpoints';

const S = 1_000_000;

describe('ReplayCheckpoints', () => {
  it.each([
    { name: 'nothing read', records: [], start: null },
    { name: 'within the horizon: from the first record', records: [[0, 10], [1, 11], [5, 20]], start: 10 },
    // horizon 8 s, a checkpoint each second: at 20 s the newest at or before 12 s is the one at 12 s
    { name: 'beyond it: from the newest checkpoint a horizon back', records: Array.from({ length: 21 }, (_, s) => [s, 100 + s]), start: 112 },
    { name: 'checkpoints only every horizon/8: records in between are not starts', records: [[0, 1], [0.5, 2], [1, 3], [9.5, 4], [10, 5]], start: 3 },
    { name: 'a late record does not move the horizon back', records: [[0, 1], [1, 2], [20, 3], [2, 4]], start: 2 },
  ])('$name', ({ records, start }) => {
    const c = new ReplayCheckpoints(8 * S);
    for (const [ts, offset] of records) c.note(ts * S, offset);
    expect(c.startOffset).toBe(start);
  });

  it('changes rarely: only when a checkpoint is added or dropped', () => {
    const c = new ReplayCheckpoints(8 * S);
    const changed = Array.from({ length: 100 }, (_, i) => c.note(i * S / 10, i)).filter(Boolean).length;
    // one a second over 10 s (the first included), drops after 8 s
    expect(changed).toBe(10);
  });

  it('round-trips through its JSON', () => {
    const c = new ReplayCheckpoints(8 * S);
    for (let s = 0; s < 30; s++) c.note(s * S, 1000 + s);
    const back = ReplayCheckpoints.decode(JSON.parse(JSON.stringify(c.encode())), 8 * S);
    expect(back.startOffset).toBe(c.startOffset);
    expect(back.encode()).toEqual(c.encode());
    expect([c.note(31 * S, 2000), back.note(31 * S, 2000)]).toEqual([true, true]);
    expect(back.encode()).toEqual(c.encode());
  });

  it.each([
    { text: '"nope"', reason: /version 1/ },
    { text: 'null', reason: /version 1/ },
    { text: '{"v":2,"points":[]}', reason: /version 1/ },
    { text: '{"v":1,"points":[[1]]}', reason: /pairs/ },
    { text: '{"v":1,"points":[[1,5],[2,5]]}', reason: /increasing/ },
    { text: '{"v":1,"points":[[1,-1]]}', reason: /pairs/ },
  ])('refuses $text', ({ text, reason }) => {
    expect(() => ReplayCheckpoints.decode(JSON.parse(text), S)).toThrow(ReplayCheckpointsInvalidError);
    expect(() => ReplayCheckpoints.decode(JSON.parse(text), S)).toThrow(reason);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a horizon of %p', (h) => {
    expect(() => new ReplayCheckpoints(h)).toThrow(RangeError);
  });
});
