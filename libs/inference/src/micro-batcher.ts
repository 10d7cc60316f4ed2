import { InferenceQueueFullError } from './inference.errors';

/** setTimeout/clearTimeout, injected so tests drive time by hand. */
export interface BatchTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: BatchTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface MicroBatcherOptions<T, R> {
  /** Runs one batch; must answer one result per item, in order. */
  process: (items: T[]) => Promise<R[]>;
  /** Largest batch handed to process. Default 32. */
  maxBatch?: number;
  /** Longest an item waits for its batch to fill. Default 100 ms. */
  maxWaitMs?: number;
  /** Items accepted and not yet answered (waiting + running); submit beyond it is refused. Default 4096. */
  maxQueued?: number;
  /** Batches running at once (one per worker is the natural value). Default 2. */
  maxConcurrentBatches?: number;
  timers?: BatchTimers;
  /** Called when a batch is handed to process, with its size and why it went (full or timer). */
  onDispatch?: (size: number, cause: 'full' | 'timer' | 'flush') => void;
}

/**
 * The answer to one submit call, shared by all its items: a call of 1,000 vectors costs one
 * promise, not 1,000 (a promise and two closures per item was most of the batcher's cost).
 */
class Ticket<R> {
  readonly results: R[];
  private left: number;

  constructor(size: number, private readonly resolve: (r: R[]) => void, private readonly reject: (e: unknown) => void) {
    this.results = new Array<R>(size);
    this.left = size;
  }

  put(index: number, result: R): void {
    this.results[index] = result;
    if (--this.left === 0) this.resolve(this.results);
  }

  /** The first failure settles the call; its other items still run (their answers are dropped). */
  fail(err: unknown): void {
    this.reject(err);
  }
}

interface Pending<T, R> {
  item: T;
  ticket: Ticket<R>;
  index: number;
}

/**
 * Groups single requests into batches of up to maxBatch, sent when full or when the oldest has
 * waited maxWaitMs. Memory is bounded: at most maxQueued items are held (waiting or running);
 * `submit` is refused past that and `whenWritable()` tells a consumer when to pull input again.
 */
export class MicroBatcher<T, R> {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly maxQueued: number;
  readonly maxConcurrentBatches: number;
  private readonly timers: BatchTimers;
  private waiting: Pending<T, R>[] = [];
  private running = 0;
  private runningItems = 0;
  private timer: unknown = null;
  private due = false;
  private dueCause: 'timer' | 'flush' = 'timer';
  private writableWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: MicroBatcherOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? 32;
    this.maxWaitMs = options.maxWaitMs ?? 100;
    this.maxQueued = options.maxQueued ?? 4096;
    this.maxConcurrentBatches = options.maxConcurrentBatches ?? 2;
    this.timers = options.timers ?? realTimers;
    for (const [k, v] of Object.entries({ maxBatch: this.maxBatch, maxQueued: this.maxQueued, maxConcurrentBatches: this.maxConcurrentBatches })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be an integer >= 1, got ${v}`);
    }
    if (!(this.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${this.maxWaitMs}`);
  }

  /** Items held: waiting for a batch plus in running batches. */
  get depth(): number {
    return this.waiting.length + this.runningItems;
  }

  get writable(): boolean {
    return this.depth < this.maxQueued;
  }

  /** Resolves when at least one more item can be submitted. */
  whenWritable(): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Resolves when nothing is waiting or running. */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Rejects with InferenceQueueFullError when maxQueued items are already held. */
  submit(item: T): Promise<R> {
    if (!this.writable) return Promise.reject(new InferenceQueueFullError(this.maxQueued));
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, ticket: new Ticket<R>(1, (r) => resolve(r[0]), reject), index: 0 });
      this.pump();
    });
  }

  /**
   * Many items in one call, answered in order: takes as many as there is room for now (so a
   * caller sees `writable` turn false at once), and the rest as batches end and free room. The
   * items may land in several batches; a failed batch rejects the call with its error.
   * `noWait`: the caller adds nothing more while it awaits this call (a stage scoring one poll's
   * records), so once its last item is in, a partial batch goes out without waiting maxWaitMs for
   * items that will not come.
   */
  enqueueAll(items: readonly T[], options: { noWait?: boolean } = {}): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const ticket = new Ticket<R>(items.length, resolve, reject);
      let next = 0;
      const admit = (): void => {
        const end = Math.min(items.length, next + Math.max(0, this.maxQueued - this.depth));
        if (end > next) {
          for (; next < end; next++) this.waiting.push({ item: items[next], ticket, index: next });
          if (next === items.length && options.noWait === true) this.flush();
          else this.pump();
        }
        // woken (in order with whenWritable callers) when a batch ends and frees room
        if (next < items.length) this.writableWaiters.push(admit);
      };
      admit();
    });
  }

  /** submit, waiting for room first: the back-pressure a caller gets by awaiting. */
  async enqueue(item: T): Promise<R> {
    while (!this.writable) await this.whenWritable();
    return this.submit(item);
  }

  /** Sends what is waiting now, without waiting for maxWaitMs. */
  flush(): void {
    if (this.waiting.length === 0) return;
    this.due = true;
    this.dueCause = 'flush';
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxConcurrentBatches && this.waiting.length > 0 && (this.due || this.waiting.length >= this.maxBatch)) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.run(batch, batch.length === this.maxBatch ? 'full' : this.dueCause);
    }
    if (this.waiting.length === 0) {
      this.due = false;
      this.cancelTimer();
    } else if (this.timer === null && !this.due) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.due = true;
        this.dueCause = 'timer';
        this.pump();
      }, this.maxWaitMs);
    }
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private run(batch: Pending<T, R>[], cause: 'full' | 'timer' | 'flush'): void {
    this.running++;
    this.runningItems += batch.length;
    this.options.onDispatch?.(batch.length, cause);
    const items = new Array<T>(batch.length);
    for (let i = 0; i < batch.length; i++) items[i] = batch[i].item;
    let work: Promise<R[]>;
    try {
      work = this.options.process(items);
    } catch (err) {
      work = Promise.reject(err);
    }
    work.then(
      (results) => {
        if (results.length !== batch.length) {
          const err = new Error(`batch processor answered ${results.length} results for ${batch.length} items`);
          for (const p of batch) p.ticket.fail(err);
        } else {
          for (let i = 0; i < batch.length; i++) batch[i].ticket.put(batch[i].index, results[i]);
        }
      },
      (err) => { for (const p of batch) p.ticket.fail(err); },
    ).finally(() => {
      this.running--;
      this.runningItems -= batch.length;
      this.wake();
      this.pump();
    });
  }

  private wake(): void {
    while (this.writable && this.writableWaiters.length > 0) this.writableWaiters.shift()!();
    if (this.depth === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }
}
