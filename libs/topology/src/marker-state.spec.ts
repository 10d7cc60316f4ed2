import { decodeMarkerState, emptyMarkerState, encodeMarkerState, MARKER_STORE, MarkerStateInvalidError } from './marker-state.codec';
import type { Processor } from './processor';
import { endOfInput, watermark } from './stream-record';
import { StreamTask } from './stream-task';
import { TopologyBuilder, TopologyDefinitionError } from './topology';

describe('marker state codec', () => {
  it('round-trips every part, an unset watermark and open rounds in their order', () => {
    const s = emptyMarkerState();
    s.taskWatermark = 1_000;
    s.watermarks.set('a', { groups: new Map([['up', 2]]), byProducer: new Map([['up-0', 900], ['up-1', 1_000]]) });
    s.rounds.set('r2', { untilUs: 5_000, topics: new Map([['a', new Set(['up-0'])]]) });
    s.rounds.set('r1', { untilUs: Number.NEGATIVE_INFINITY, topics: new Map() });
    s.endingGroups.set('a', new Map([['up', 2]]));
    const back = decodeMarkerState(JSON.parse(JSON.stringify(encodeMarkerState(s))));
    expect(back).toEqual(s);
    expect([...back.rounds.keys()]).toEqual(['r2', 'r1']);
    expect(decodeMarkerState(JSON.parse(JSON.stringify(encodeMarkerState(emptyMarkerState()))))).toEqual(emptyMarkerState());
  });

  it.each([
    ['not an object', 'x'],
    ['another version', { v: 2, watermarks: [], rounds: [], endingGroups: [] }],
    ['a part missing', { v: 1, watermarks: [], rounds: [] }],
  ])('refuses %s', (_name, value) => {
    expect(() => decodeMarkerState(value)).toThrow(MarkerStateInvalidError);
  });

  it('is a store name no topology may take', () => {
    expect(() => new TopologyBuilder('t').addSource('s', 'in').addProcessor('p', () => ({ process: () => undefined }), 's').addStateStore({ name: MARKER_STORE, changelog: true }, 'p'))
      .toThrow(TopologyDefinitionError);
  });
});

/** A join of two inputs (as fusion's): what event time it was told about. */
class Recorder implements Processor<unknown, unknown> {
  static seen: string[] = [];
  process(): void {}
  onWatermark(us: number): void { Recorder.seen.push(`watermark ${us}`); }
  onEndOfInput(us: number): void { Recorder.seen.push(`end ${us}`); }
}

describe('a task restarted from its changelog', () => {
  const topology = new TopologyBuilder('join').addSource('src', 'a', 'b').addProcessor('rec', () => new Recorder(), 'src').addSink('out', 'joined', 1, 'rec').build();
  const up = (id: string) => ({ producer: { id, count: 1 } });

  /** A task that read `before`, flushed (committing), then died; its successor restored from the changelog, or not. */
  async function successor(before: [string, ReturnType<typeof watermark>][], restore: boolean): Promise<StreamTask> {
    const first = new StreamTask(topology, 0, 1);
    for (const [topic, record] of before) first.process(topic, record);
    const out = await first.flush();
    const next = new StreamTask(topology, 0, 1);
    // the topology has no store of its own: all the changelog holds is the task's marker state
    expect(new Set(out.changelog.map((c) => c.topic))).toEqual(new Set([`join-${MARKER_STORE}-changelog`]));
    if (restore) for (const c of out.changelog) next.restore(MARKER_STORE, c.key, c.value);
    Recorder.seen = [];
    return next;
  }

  it('ends a round whose other input ended before the crash', async () => {
    const before: [string, ReturnType<typeof watermark>][] = [['a', endOfInput(100, { ...up('x-0'), round: 'r' })]];
    for (const restore of [true, false]) {
      const task = await successor(before, restore);
      task.process('b', endOfInput(120, { ...up('y-0'), round: 'r' }));
      const out = await task.flush();
      expect({ restore, seen: Recorder.seen, markers: out.records.filter((r) => r.control?.kind === 'end-of-input').length })
        .toEqual(restore ? { restore, seen: ['end 120'], markers: 1 } : { restore, seen: [], markers: 0 });
    }
  });

  it('starts as a fresh task, counting it, when the stored state cannot be read', async () => {
    const task = new StreamTask(topology, 0, 1);
    task.restore(MARKER_STORE, 'state', JSON.stringify({ v: 99 }));
    Recorder.seen = [];
    task.process('a', watermark(500, up('x-0').producer));
    task.process('b', watermark(300, up('y-0').producer));
    expect({ seen: Recorder.seen, counted: task.counters.get('marker-state-invalid') }).toEqual({ seen: ['watermark 300'], counted: 1 });
  });

  it('moves event time on when only one input speaks again, and never back', async () => {
    const before: [string, ReturnType<typeof watermark>][] = [['a', watermark(500, up('x-0').producer)], ['b', watermark(300, up('y-0').producer)]];
    for (const restore of [true, false]) {
      const task = await successor(before, restore);
      task.process('b', watermark(200, up('y-0').producer));
      task.process('b', watermark(450, up('y-0').producer));
      expect({ restore, seen: Recorder.seen }).toEqual(restore ? { restore, seen: ['watermark 450'] } : { restore, seen: [] });
    }
  });
});
