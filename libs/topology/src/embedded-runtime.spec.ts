import { EmbeddedRuntime } from './embedded-runtime';
import { InMemoryLog } from './in-memory-log';
import type { KeyValueStore } from './key-value.store';
import type { Processor, ProcessorContext } from './processor';
import { endOfInput, watermark, type StreamRecord } from './stream-record';
import { TopologyBuilder, TopologyDefinitionError } from './topology';

/** Counts words per key; emits a count when event time passes 10 units after its last update. */
class WindowedCount implements Processor<string, string> {
  private ctx!: ProcessorContext;
  private store!: KeyValueStore<{ n: number; last: number }>;
  init(ctx: ProcessorContext) { this.ctx = ctx; this.store = ctx.getStateStore('counts'); }
  process(r: StreamRecord<string, string>) {
    if (r.value === 'boom') throw Object.assign(new Error('cannot count boom'), { code: 'BOOM' });
    const s = this.store.get(r.key!) ?? { n: 0, last: 0 };
    s.n += 1; s.last = r.timestampUs;
    this.store.put(r.key!, s);
  }
  onWatermark(w: number) { this.emit((s) => s.last + 10 <= w); }
  onEndOfInput(untilUs: number) { this.emit((s) => s.last <= untilUs); }
  private emit(due: (s: { n: number; last: number }) => boolean) {
    for (const [k, s] of [...this.store.entries()]) {
      if (!due(s)) continue;
      this.ctx.forward({ key: k, value: s.n, timestampUs: s.last });
      this.store.delete(k);
    }
  }
}

/** Re-keys each record by its value. */
class ByValue implements Processor<string, string> {
  private ctx!: ProcessorContext;
  init(ctx: ProcessorContext) { this.ctx = ctx; }
  process(r: StreamRecord<string, string>) { this.ctx.forward({ key: r.value, value: r.value, timestampUs: r.timestampUs }); }
}

function setup(log = new InMemoryLog()) {
  log.createTopic('in', 2);
  log.createTopic('out', 2);
  const topology = new TopologyBuilder('counter')
    .addSource('src', 'in')
    .addProcessor('count', () => new WindowedCount(), 'src')
    .addStateStore({ name: 'counts', changelog: true }, 'count')
    .addSink('sink', 'out', 2, 'count')
    .build();
  return { log, topology, runtime: new EmbeddedRuntime(log, [topology]) };
}

const data = (log: InMemoryLog, partition: number) =>
  log.read('out', partition, 0, 1000).map((r) => r.record).filter((r) => !r.control).map((r) => [r.key, r.value]);

describe('EmbeddedRuntime', () => {
  it('describes the topology as a stable text', () => {
    expect(setup().topology.describe()).toBe([
      'Topology: counter',
      '  Source: src (topics: [in])',
      '    --> count',
      '  Processor: count (stores: [counts])',
      '    --> sink',
      '    <-- src',
      '  Sink: sink (topic: out)',
      '    <-- count',
      '  Store: counts (changelog: counter-counts-changelog)',
      '',
    ].join('\n'));
  });

  it('shouldEmitOnlyWhenTheWatermarkPassesTheWindow', async () => {
    const { log, runtime } = setup();
    runtime.start();
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 1 });
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 2 });
    log.append('in', 0, { key: 'b', value: 'x', timestampUs: 8 });
    log.append('in', 0, watermark(11));
    await runtime.runUntilIdle();
    expect([...data(log, 0), ...data(log, 1)]).toEqual([]);
    log.append('in', 0, watermark(12));
    await runtime.runUntilIdle();
    expect([...data(log, 0), ...data(log, 1)]).toEqual([['a', 2]]);
  });

  it('shouldFlushEverythingAtEndOfInputAndForwardTheMarker', async () => {
    const { log, runtime } = setup();
    runtime.start();
    log.append('in', 1, { key: 'c', value: 'x', timestampUs: 5 });
    log.append('in', 1, endOfInput(5));
    await runtime.runUntilIdle();
    const all = [0, 1].flatMap((p) => log.read('out', p, 0, 10).map((r) => r.record));
    expect(all.filter((r) => !r.control).map((r) => [r.key, r.value])).toEqual([['c', 1]]);
    expect(log.read('out', 1, 0, 10).some((r) => r.record.control?.kind === 'end-of-input')).toBe(true);
  });

  it('shouldRestoreStateFromTheChangelogOnANewRuntime', async () => {
    const first = setup();
    first.runtime.start();
    first.log.append('in', 0, { key: 'a', value: 'x', timestampUs: 1 });
    await first.runtime.runUntilIdle();
    // A second runtime over the same log stands for a restarted process: its state comes back
    // from the changelog, and it resumes from the committed offset.
    const second = new EmbeddedRuntime(first.log, [first.topology]);
    second.start();
    first.log.append('in', 0, { key: 'a', value: 'x', timestampUs: 2 });
    first.log.append('in', 0, endOfInput(2));
    await second.runUntilIdle();
    expect([...data(first.log, 0), ...data(first.log, 1)]).toEqual([['a', 2]]);
  });

  it.each([
    ['kept (the default): a second runtime restores the count', undefined, true, [['a', 2]]],
    ['off: none is written, and a second runtime starts from nothing', false, false, [['a', 1]]],
  ])('changelogs %s', async (_what, changelogs, logged, expected) => {
    const first = setup();
    const runtime = new EmbeddedRuntime(first.log, [first.topology], { changelogs });
    runtime.start();
    first.log.append('in', 0, { key: 'a', value: 'x', timestampUs: 1 });
    await runtime.runUntilIdle();
    expect(first.log.hasTopic('counter-counts-changelog')).toBe(logged);
    const second = new EmbeddedRuntime(first.log, [first.topology], { changelogs });
    second.start();
    first.log.append('in', 0, { key: 'a', value: 'x', timestampUs: 2 });
    first.log.append('in', 0, endOfInput(2));
    await second.runUntilIdle();
    expect([...data(first.log, 0), ...data(first.log, 1)]).toEqual(expected);
  });

  it('shouldSendAFailingRecordToTheDeadLetterHandlerAndCarryOn', async () => {
    const letters: string[] = [];
    const log = new InMemoryLog();
    const { topology } = setup(log);
    const runtime = new EmbeddedRuntime(log, [topology], { onDeadLetter: (l) => letters.push(`${l.error_code} ${l.source_topic}/${l.source_partition}@${l.source_offset}: ${l.reason}`) });
    runtime.start();
    log.append('in', 0, { key: 'a', value: 'boom', timestampUs: 1 });
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 2 });
    log.append('in', 0, endOfInput(2));
    await runtime.runUntilIdle();
    expect(letters).toEqual(['BOOM in/0@0: cannot count boom']);
    expect([...data(log, 0), ...data(log, 1)]).toEqual([['a', 1]]);
  });

  it('drops input every group has consumed, so memory stays bounded', async () => {
    const { log, runtime } = setup();
    runtime.start();
    for (let i = 0; i < 100; i++) log.append('in', 0, { key: 'k', value: 'x', timestampUs: i });
    await runtime.runUntilIdle();
    expect(log.read('in', 0, 0, 1000)).toEqual([]);
    expect(log.endOffset('in', 0)).toBe(100);
  });

  it('writes a batch\'s markers after the records its processors forward in flush', async () => {
    // Like the inference stage: records are held in process() and forwarded by an async flush.
    class Batching implements Processor<string, string> {
      private ctx!: ProcessorContext;
      private held: StreamRecord<string, string>[] = [];
      init(ctx: ProcessorContext) { this.ctx = ctx; }
      process(r: StreamRecord<string, string>) { this.held.push(r); }
      async flush() {
        await new Promise((r) => setImmediate(r));
        for (const r of this.held.splice(0)) this.ctx.forward(r);
      }
    }
    const log = new InMemoryLog();
    log.createTopic('in', 1);
    log.createTopic('out', 1);
    const topology = new TopologyBuilder('batching').addSource('src', 'in').addProcessor('hold', () => new Batching(), 'src').addSink('sink', 'out', 1, 'hold').build();
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 10 });
    log.append('in', 0, watermark(20));
    log.append('in', 0, { key: 'b', value: 'y', timestampUs: 30 });
    log.append('in', 0, endOfInput(30));
    const runtime = new EmbeddedRuntime(log, [topology]);
    runtime.start();
    await runtime.runUntilIdle();
    const written = log.read('out', 0, 0, 10).map((r) => (r.record.control ? r.record.control.kind : `${r.record.key}@${r.record.timestampUs}`));
    expect(written).toEqual(['a@10', 'b@30', 'watermark', 'end-of-input']);
  });

  it.each([
    ['a round that reached one input stays open and cannot end the next round early', [['left', 'a'], ['right', 'b'], ['left', 'b']], ['b@left']],
    ['each round ends when both inputs have ended it, in any order', [['right', 'a'], ['left', 'b'], ['left', 'a'], ['right', 'b']], ['a@left', 'b@right']],
    ['markers without a round form one round (a single replay)', [['left', ''], ['right', '']], ['@right']],
  ])('joins end-of-input per round: %s', async (_what, markers, expected) => {
    const log = new InMemoryLog();
    for (const t of ['left', 'right', 'out']) log.createTopic(t, 1);
    const ends: string[] = [];
    let last = '';
    const join = new TopologyBuilder('join')
      .addSource('src', 'left', 'right')
      .addProcessor('watch', () => ({ process() {}, onEndOfInput: () => { ends.push(last); } }), 'src')
      .addSink('sink', 'out', 1, 'watch')
      .build();
    const runtime = new EmbeddedRuntime(log, [join]);
    runtime.start();
    for (const [topic, round] of markers) {
      last = `${round}@${topic}`;
      log.append(topic, 0, endOfInput(1, { round }));
      await runtime.runUntilIdle();
    }
    expect(ends).toEqual(expected);
    // Downstream hears the rounds that ended, by name.
    expect(log.read('out', 0, 0, 10).map((r) => r.record.control).filter((c) => c?.kind === 'end-of-input').map((c) => (c as { round?: string }).round ?? ''))
      .toEqual(expected.map((e) => e.split('@')[0]));
  });

  it('finishes only the state up to a round\'s own end when that round ends after a later one was written', async () => {
    // A shared topic: replay "a" (event time 5) ended, replay "b" (event time 100) wrote after
    // it; the end of "a" is read only now (say its stage was not running). It must finish "a"'s
    // count, not "b"'s, and tell downstream the round's own end time, not the task's watermark.
    const { log, runtime } = setup();
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 5 });
    log.append('in', 0, { key: 'b', value: 'y', timestampUs: 100 });
    log.append('in', 0, watermark(12));
    log.append('in', 0, endOfInput(5, { round: 'a' }));
    runtime.start();
    await runtime.runUntilIdle();
    expect(data(log, 0).concat(data(log, 1))).toEqual([['a', 1]]);
    const ends = () => [0, 1].flatMap((p) => log.read('out', p, 0, 100).map((r) => r.record)).filter((r) => r.control?.kind === 'end-of-input').map((r) => r.timestampUs);
    expect(ends()).toEqual([5, 5]);
    log.append('in', 0, endOfInput(100, { round: 'b' }));
    await runtime.runUntilIdle();
    expect(data(log, 0).concat(data(log, 1)).sort()).toEqual([['a', 1], ['b', 1]]);
    expect(ends()).toEqual([5, 100, 5, 100]);
  });

  it('shouldHoldARepartitionedWatermarkAtTheSlowestUpstreamTask', async () => {
    // Upstream re-keys 'in' (2 partitions) into 'by-word' (2 partitions): each partition of
    // 'by-word' holds records of both upstream tasks, so its watermark is the lower of the two.
    const log = new InMemoryLog();
    log.createTopic('in', 2);
    log.createTopic('by-word', 2);
    log.createTopic('out', 2);
    const rekey = new TopologyBuilder('rekey')
      .addSource('src', 'in')
      .addProcessor('by-value', () => new ByValue(), 'src')
      .addSink('repartition', 'by-word', 2, 'by-value')
      .build();
    const watermarks: number[] = [];
    const count = new TopologyBuilder('count')
      .addSource('src', 'by-word')
      .addProcessor('watch', () => ({ process() {}, onWatermark: (w: number) => { watermarks.push(w); } }), 'src')
      .addSink('sink', 'out', 2, 'watch')
      .build();
    const runtime = new EmbeddedRuntime(log, [rekey, count]);
    runtime.start();
    log.append('in', 0, { key: 'a', value: 'x', timestampUs: 1 });
    log.append('in', 0, watermark(50));
    await runtime.runUntilIdle();
    expect(watermarks).toEqual([]); // task 1 upstream has said nothing yet
    log.append('in', 1, watermark(20));
    await runtime.runUntilIdle();
    log.append('in', 1, watermark(70));
    await runtime.runUntilIdle();
    // Both partitions of the downstream topology advance to 20, then to 50.
    expect(watermarks).toEqual([20, 20, 50, 50]);
  });

  it.each([
    ['a duplicate node', (b: TopologyBuilder) => b.addSource('s', 'in').addSource('s', 'in')],
    ['an unknown parent', (b: TopologyBuilder) => b.addSource('s', 'in').addProcessor('p', () => new WindowedCount(), 'nope')],
    ['a store on an unknown processor', (b: TopologyBuilder) => b.addSource('s', 'in').addStateStore({ name: 'x', changelog: false }, 'p')],
  ])('rejects %s', (_name, build) => {
    expect(() => build(new TopologyBuilder('bad')).build()).toThrow(TopologyDefinitionError);
  });
});
