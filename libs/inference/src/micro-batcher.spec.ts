import { InferenceQueueFullError } from './inference.errors';
import { type BatchTimers, MicroBatcher } from './micro-batcher';

/** Timers that fire only when the test advances the clock. */
class ManualTimers implements BatchTimers {
  now = 0;
  private seq = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get armed(): number {
    return this.pending.size;
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A processor whose batches the test completes by hand. */
function manualProcessor() {
  const batches: { items: number[]; done: (r?: number[]) => void; fail: (e: Error) => void }[] = [];
  const process = (items: number[]): Promise<number[]> => new Promise((resolve, reject) => {
    batches.push({ items, done: (r) => resolve(r ?? items.map((i) => i * 10)), fail: reject });
  });
  return { batches, process };
}

describe('MicroBatcher', () => {
  let timers: ManualTimers;
  beforeEach(() => { timers = new ManualTimers(); });

  it('defaults to batches of 32, 100 ms, 4096 queued', () => {
    const b = new MicroBatcher({ process: async (x: number[]) => x });
    expect([b.maxBatch, b.maxWaitMs, b.maxQueued]).toEqual([32, 100, 4096]);
  });

  it('sends a batch as soon as it holds maxBatch items, without waiting', async () => {
    const p = manualProcessor();
    const causes: string[] = [];
    const b = new MicroBatcher({ process: p.process, maxBatch: 3, maxWaitMs: 100, timers, onDispatch: (_n, c) => causes.push(c) });
    const answers = [1, 2, 3, 4].map((i) => b.submit(i));
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2, 3]]);
    p.batches[0].done();
    await expect(Promise.all(answers.slice(0, 3))).resolves.toEqual([10, 20, 30]);
    expect(causes).toEqual(['full']);
    expect(timers.armed).toBe(1);
  });

  it('sends a partial batch when the oldest item has waited maxWaitMs', async () => {
    const p = manualProcessor();
    const causes: string[] = [];
    const b = new MicroBatcher({ process: p.process, maxBatch: 32, maxWaitMs: 100, timers, onDispatch: (_n, c) => causes.push(c) });
    const a = b.submit(1);
    timers.advance(60);
    const c = b.submit(2);
    timers.advance(39);
    expect(p.batches).toHaveLength(0);
    timers.advance(1);
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2]]);
    p.batches[0].done();
    await expect(Promise.all([a, c])).resolves.toEqual([10, 20]);
    expect(causes).toEqual(['timer']);
    expect(timers.armed).toBe(0);
  });

  it('refuses past maxQueued, counting running items, and wakes whenWritable when a batch ends', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, maxQueued: 3, timers });
    const held = [b.submit(1), b.submit(2), b.submit(3)];
    expect(b.depth).toBe(3);
    expect(b.writable).toBe(false);
    await expect(b.submit(4)).rejects.toBeInstanceOf(InferenceQueueFullError);
    let woke = false;
    void b.whenWritable().then(() => { woke = true; });
    await settle();
    expect(woke).toBe(false);
    p.batches[0].done();
    await settle();
    expect(woke).toBe(true);
    expect(b.depth).toBe(1);
    timers.advance(100);
    p.batches[1].done();
    await expect(Promise.all(held)).resolves.toEqual([10, 20, 30]);
  });

  it('enqueue waits for room instead of failing', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 1, maxQueued: 1, maxConcurrentBatches: 1, timers });
    const first = b.enqueue(1);
    const second = b.enqueue(2);
    await settle();
    expect(p.batches).toHaveLength(1);
    p.batches[0].done();
    await expect(first).resolves.toBe(10);
    await settle();
    expect(p.batches).toHaveLength(2);
    p.batches[1].done();
    await expect(second).resolves.toBe(20);
  });

  it('runs at most maxConcurrentBatches at once and sends the rest when one ends', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, maxConcurrentBatches: 1, timers });
    const all = [1, 2, 3, 4, 5].map((i) => b.submit(i));
    expect(p.batches).toHaveLength(1);
    p.batches[0].done();
    await settle();
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4]]);
    p.batches[1].done();
    timers.advance(100);
    await settle();
    expect(p.batches[2].items).toEqual([5]);
    p.batches[2].done();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
    await expect(b.whenIdle()).resolves.toBeUndefined();
  });

  it('rejects every item of a failed batch and frees their room', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, timers });
    const answers = [b.submit(1), b.submit(2)];
    p.batches[0].fail(new Error('boom'));
    await expect(Promise.allSettled(answers)).resolves.toEqual([
      { status: 'rejected', reason: new Error('boom') }, { status: 'rejected', reason: new Error('boom') },
    ]);
    expect(b.depth).toBe(0);
  });

  it('rejects a batch whose processor answers the wrong number of results', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, timers });
    const answers = [b.submit(1), b.submit(2)];
    p.batches[0].done([1]);
    const settled = await Promise.allSettled(answers);
    expect(settled.map((r) => r.status === 'rejected' && String(r.reason))).toEqual([
      'Error: batch processor answered 1 results for 2 items', 'Error: batch processor answered 1 results for 2 items',
    ]);
  });

  it('runs on the global timers by default (jest fake timers)', async () => {
    jest.useFakeTimers();
    try {
      const seen: number[][] = [];
      const b = new MicroBatcher({ process: async (items: number[]) => { seen.push(items); return items; }, maxWaitMs: 100 });
      const answer = b.submit(7);
      jest.advanceTimersByTime(99);
      expect(seen).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(seen).toEqual([[7]]);
      await expect(answer).resolves.toBe(7);
    } finally {
      jest.useRealTimers();
    }
  });

  it('enqueueAll answers many items in order with one promise, over several batches', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, maxConcurrentBatches: 2, timers });
    const answer = b.enqueueAll([1, 2, 3, 4, 5]);
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4]]);
    p.batches[1].done();
    p.batches[0].done();
    await settle();
    timers.advance(100);
    expect(p.batches[2].items).toEqual([5]);
    p.batches[2].done();
    await expect(answer).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(b.depth).toBe(0);
  });

  it('enqueueAll takes what fits at once and the rest as room frees, never holding more than maxQueued', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, maxQueued: 3, maxConcurrentBatches: 1, timers });
    const early = b.submit(0);
    const answer = b.enqueueAll([1, 2, 3, 4]);
    expect(b.depth).toBe(3);
    expect(b.writable).toBe(false);
    const depths: number[] = [];
    for (let i = 0; i < 4 && p.batches.length > i; i++) {
      depths.push(b.depth);
      p.batches[i].done();
      await settle();
      timers.advance(100);
    }
    await expect(early).resolves.toBe(0);
    await expect(answer).resolves.toEqual([10, 20, 30, 40]);
    expect(Math.max(...depths)).toBeLessThanOrEqual(3);
    expect(p.batches.map((x) => x.items)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('enqueueAll of nothing answers nothing, and a failed batch rejects the call', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, timers });
    await expect(b.enqueueAll([])).resolves.toEqual([]);
    const answer = b.enqueueAll([1, 2, 3]);
    p.batches[0].fail(new Error('boom'));
    await expect(answer).rejects.toThrow('boom');
    timers.advance(100);
    p.batches[1].done();
    await settle();
    expect(b.depth).toBe(0);
  });

  it('enqueueAll with noWait sends its last partial batch at once, also when it is admitted late', async () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 2, maxQueued: 3, maxConcurrentBatches: 1, timers });
    const answer = b.enqueueAll([1, 2, 3, 4, 5], { noWait: true });
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2]]);
    p.batches[0].done();
    await settle();
    // [3, 4] went out full; 5 came in with the last room and goes out without the timer
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4]]);
    p.batches[1].done();
    await settle();
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2], [3, 4], [5]]);
    p.batches[2].done();
    await expect(answer).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(timers.now).toBe(0);
  });

  it('enqueueAll without noWait leaves a partial batch to the timer', () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 4, timers });
    void b.enqueueAll([1, 2, 3]);
    expect(p.batches).toEqual([]);
    timers.advance(100);
    expect(p.batches.map((x) => x.items)).toEqual([[1, 2, 3]]);
  });

  it('flush sends a partial batch now', () => {
    const p = manualProcessor();
    const b = new MicroBatcher({ process: p.process, maxBatch: 8, timers });
    void b.submit(1);
    b.flush();
    expect(p.batches.map((x) => x.items)).toEqual([[1]]);
    expect(timers.armed).toBe(0);
  });
});
