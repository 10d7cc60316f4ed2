import { ConnectionQueue } from './connection-queue';
import type { WindowConnection } from './window-connection';

const conn = (i: number): WindowConnection => ({
  endUs: i, uid: `u${i}`, origH: '10.0.0.1', origP: 1, respH: '10.0.0.2', service: 'tcp/80', serror: false, rerror: false,
});

describe('ConnectionQueue', () => {
  it.each<[string, number, number[], { start: number; end: number; uids: string[]; newest: string | undefined }]>([
    ['holds what was pushed, in order', 3, [], { start: 0, end: 3, uids: ['u0', 'u1', 'u2'], newest: 'u2' }],
    ['drops from the front by position', 5, [2], { start: 2, end: 5, uids: ['u2', 'u3', 'u4'], newest: 'u4' }],
    ['never moves back', 5, [3, 1], { start: 3, end: 5, uids: ['u3', 'u4'], newest: 'u4' }],
    ['clamps a drop past the end', 2, [9], { start: 2, end: 2, uids: [], newest: undefined }],
    ['keeps positions across compaction', 500, [100, 300, 450], { start: 450, end: 500, uids: Array.from({ length: 50 }, (_, i) => `u${450 + i}`), newest: 'u499' }],
  ])('%s', (_name, pushes, drops, expected) => {
    const q = new ConnectionQueue();
    for (let i = 0; i < pushes; i++) q.push(conn(i));
    for (const d of drops) q.dropBefore(d);
    expect({ start: q.start, end: q.end, uids: q.toArray().map((c) => c.uid), newest: q.newest?.uid }).toEqual(expected);
    expect(q.size).toBe(expected.end - expected.start);
    for (let p = q.start; p < q.end; p++) expect(q.at(p).uid).toBe(`u${p}`);
  });

  it('goes on counting positions after it has been emptied', () => {
    const q = new ConnectionQueue();
    for (let i = 0; i < 70; i++) q.push(conn(i));
    q.dropBefore(70);
    q.push(conn(70));
    expect([q.start, q.end, q.at(70).uid]).toEqual([70, 71, 'u70']);
  });
});
