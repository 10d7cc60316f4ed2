import { MARKER_STORE } from './marker-state.codec';
import type { Processor, ProcessorContext } from './processor';
import { REPLAY_CHECKPOINTS_KEY } from './replay-checkpoints';
import { watermark, type StreamRecord } from './stream-record';
import { StreamTask } from './stream-task';
import { TopologyBuilder, TopologyDefinitionError } from './topology';

const S = 1_000_000;

/** State in memory only, as the signature engine's: per key, its records of the last 5 s (dropped at the watermark). */
class RecentCount implements Processor<string, string> {
  private context!: ProcessorContext;
  private readonly recent = new Map<string, number[]>();
  init(context: ProcessorContext): void { this.context = context; }
  process(r: StreamRecord<string, string>): void {
    const times = (this.recent.get(r.key!) ?? []).filter((t) => r.timestampUs - t < 5 * S);
    times.push(r.timestampUs);
    this.recent.set(r.key!, times);
    this.context.count('seen');
    this.context.forward({ key: r.key, value: `${r.key}#${times.length}`, timestampUs: r.timestampUs });
  }
  onWatermark(us: number): void {
    for (const [k, times] of this.recent) if (times.every((t) => us - t >= 5 * S)) this.recent.delete(k);
  }
}

const topology = (horizonUs: number) => new TopologyBuilder('count').addSource('src', 'in').addProcessor('p', () => new RecentCount(), 'src').addSink('out', 'out', 1, 'p')
  .rebuildByReplay(horizonUs).build();

/** One record a second, keys a, b, c in turn, with a watermark after each. */
const input = Array.from({ length: 40 }, (_, i) => ({ offset: i, record: { key: 'abc'[i % 3], value: 'x', timestampUs: i * S } }));
const values = (out: Awaited<ReturnType<StreamTask['flush']>>) => out.records.filter((r) => !r.control).map((r) => r.value);

async function feed(task: StreamTask, from: number, to: number): Promise<void> {
  for (const { offset, record } of input.slice(from, to)) {
    task.process('in', record, { topic: 'in', partition: 0, offset });
    task.process('in', watermark(record.timestampUs));
  }
}

describe('a task rebuilt by replay', () => {
  /** Committed through offset `stop - 1`, killed, restarted from the changelog; what it writes for the rest. */
  async function restarted(horizonUs: number, stop: number, replay: boolean) {
    const first = new StreamTask(topology(horizonUs), 0, 1);
    await feed(first, 0, stop);
    const committed = await first.flush();
    const next = new StreamTask(topology(horizonUs), 0, 1);
    for (const c of committed.changelog) next.restore(MARKER_STORE, c.key, c.value);
    const from = next.replayFrom();
    let replayed = 0;
    if (replay && from !== null) {
      next.beginReplay();
      await feed(next, from, stop);
      replayed = await next.endReplay();
    }
    const beforeRest = await next.flush();
    await feed(next, stop, input.length);
    return { from, replayed, beforeRest, rest: await next.flush(), counters: next.counters };
  }

  it('writes what a task that never stopped writes, when its state is younger than the horizon', async () => {
    const whole = new StreamTask(topology(10 * S), 0, 1);
    await feed(whole, 0, input.length);
    const expected = values(await whole.flush()).slice(25);
    const r = await restarted(10 * S, 25, true);
    expect(values(r.rest)).toEqual(expected);
    // replayed from the checkpoint 10 s before the newest record (24 s): 14 s
    expect({ from: r.from, replayed: r.replayed }).toEqual({ from: 14, replayed: 11 });
    // the replay itself left nothing to write and counted only itself
    expect(r.beforeRest.records).toEqual([]);
    expect(r.beforeRest.changelog).toEqual([]);
    expect(Object.fromEntries(r.counters)).toEqual({ replayed: 11, seen: 15 });
  });

  it('without the replay the counts start again (what the replay is for)', async () => {
    const r = await restarted(10 * S, 25, false);
    expect(values(r.rest).slice(0, 3)).toEqual(['b#1', 'c#1', 'a#1']);
  });

  it('keeps its checkpoints in its markers changelog, and a task that read nothing replays nothing', async () => {
    const task = new StreamTask(topology(10 * S), 0, 1);
    expect(task.replayFrom()).toBeNull();
    await feed(task, 0, 3);
    const out = await task.flush();
    expect(out.changelog.find((c) => c.key === REPLAY_CHECKPOINTS_KEY)).toMatchObject({ topic: `count-${MARKER_STORE}-changelog`, value: JSON.stringify({ v: 1, points: [[0, 0], [2 * S, 2]] }) });
  });

  it('an unreadable checkpoint list is counted and nothing is replayed', () => {
    const task = new StreamTask(topology(10 * S), 0, 1);
    task.restore(MARKER_STORE, REPLAY_CHECKPOINTS_KEY, '{"v":7}');
    expect(task.replayFrom()).toBeNull();
    expect(task.counters.get('replay-checkpoints-invalid')).toBe(1);
  });

  it('refuses a flush in the middle of a replay', async () => {
    const task = new StreamTask(topology(10 * S), 0, 1);
    task.beginReplay();
    await expect(task.flush()).rejects.toThrow('flush while replaying');
  });

  it.each([
    { name: 'with a state store', build: () => new TopologyBuilder('t').addSource('s', 'in').addProcessor('p', () => new RecentCount(), 's').addStateStore({ name: 'st', changelog: true }, 'p').rebuildByReplay(S).build(), reason: /state stores/ },
    { name: 'reading two topics', build: () => new TopologyBuilder('t').addSource('s', 'in', 'in2').addProcessor('p', () => new RecentCount(), 's').rebuildByReplay(S).build(), reason: /exactly one topic/ },
    { name: 'a negative horizon', build: () => new TopologyBuilder('t').addSource('s', 'in').rebuildByReplay(-1), reason: /horizon/ },
  ])('refuses a topology rebuilt by replay $name', ({ build, reason }) => {
    expect(build).toThrow(TopologyDefinitionError);
    expect(build).toThrow(reason);
  });

  it('a horizon of 0 turns replay off', () => {
    expect(new TopologyBuilder('t').addSource('s', 'in').addProcessor('p', () => new RecentCount(), 's').rebuildByReplay(0).build().replay).toBeNull();
  });
});
