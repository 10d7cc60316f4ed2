import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@ids/observability';
import { InferenceRunError, InferenceWorkerError, ModelLoadError } from './inference.errors';
import type { OutputTensor, SessionSpec, WorkerBootData, WorkerReply, WorkerRequest } from './worker-protocol';

export interface WorkerPoolOptions {
  /** Worker threads. Default min(2, cores). */
  size?: number;
  /** How often each worker is pinged. Default 5000 ms. */
  pingIntervalMs?: number;
  /** A worker that does not answer a ping within this is hung: replaced. Default 2000 ms. */
  pingTimeoutMs?: number;
  /** A batch (or a model load) taking longer than this marks its worker hung. Default 30000 ms. */
  runTimeoutMs?: number;
  logger?: Logger;
  /** Called each time a dead or hung worker is replaced. */
  onRestart?: (reason: string) => void;
  /** Lets tests crash or hang a worker through crashWorker/hangWorker. */
  testFaults?: boolean;
  /** With testFaults: every worker crashes when it runs this model key. */
  testCrashOnRun?: string;
}

/**
 * The worker entry runs compiled (.js) in production; under ts-jest/swc the source is .ts, which
 * a bare Node worker cannot load, so the bootstrap compiles it with @swc/core (a dev dependency
 * present wherever .ts runs).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) {
  const Module = require('node:module');
  const fs = require('node:fs');
  const swc = require(require.resolve('@swc/core', { paths: [workerData.entry] }));
  Module._extensions['.ts'] = (module, filename) => {
    const out = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
    });
    module._compile(out.code, filename);
  };
}
require(workerData.entry);
`;

const WORKER_ENTRY = join(__dirname, `inference-worker${extname(__filename)}`);

/** Internal: the worker holding a request is gone (crashed, exited, hung, or the pool closed). */
class WorkerGone extends Error {}

interface Slot {
  index: number;
  worker: Worker;
  alive: boolean;
  ready: boolean;
  busy: number;
  requests: Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | null }>;
  loaded: Map<string, Promise<void>>;
}

/**
 * worker_threads each holding their own sessions. A batch goes to the least busy ready worker;
 * sessions are opened per worker on first use (and eagerly by `load`), so a replacement worker
 * catches up by itself. A batch whose worker dies or hangs is retried once on another, then failed.
 */
export class WorkerPool {
  readonly size: number;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly runTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly specs = new Map<string, SessionSpec>();
  private readonly slotWaiters: (() => void)[] = [];
  private nextId = 1;
  private nextSlot = 0;
  private closed = false;
  private restartCount = 0;
  private readonly healthTimer: NodeJS.Timeout;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.size = options.size ?? Math.min(2, availableParallelism());
    if (!Number.isInteger(this.size) || this.size < 1) throw new RangeError(`pool size must be an integer >= 1, got ${this.size}`);
    this.pingIntervalMs = options.pingIntervalMs ?? 5_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    this.runTimeoutMs = options.runTimeoutMs ?? 30_000;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(i));
    this.healthTimer = setInterval(() => this.checkHealth(), this.pingIntervalMs);
    this.healthTimer.unref();
  }

  get restarts(): number {
    return this.restartCount;
  }

  /** Batches running per worker, by worker index. */
  get busy(): number[] {
    return this.slots.map((s) => s.busy);
  }

  /** Opens the session on every worker; rejects with ModelLoadError (naming the file) if any refuses it. */
  async load(spec: SessionSpec): Promise<void> {
    this.specs.set(spec.key, spec);
    try {
      // a worker dying meanwhile is no load failure: its replacement opens the session itself
      await Promise.all(this.slots.map((slot) => this.ensureLoaded(slot, spec.key).catch((err: unknown) => {
        if (!(err instanceof WorkerGone)) throw err;
      })));
    } catch (err) {
      await this.unload(spec.key);
      throw err;
    }
  }

  /** Closes the session everywhere; call once no batch uses it any more. */
  async unload(key: string): Promise<void> {
    this.specs.delete(key);
    await Promise.all(this.slots.map(async (slot) => {
      if (!slot.loaded.has(key)) return;
      slot.loaded.delete(key);
      await this.request(slot, { type: 'unload', id: 0, key }, [], this.runTimeoutMs).catch(() => undefined);
    }));
  }

  /**
   * Runs one batch, `data` row-major [rows, cols]; resolves the named outputs. `data` over a
   * SharedArrayBuffer (BatchInputPool) is read in place by the worker: the caller must leave it
   * unchanged until this settles. Any other `data` is copied and the copy transferred.
   */
  async run(key: string, data: Float32Array, rows: number, cols: number): Promise<Record<string, OutputTensor>> {
    let lastReason = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      let slot: Slot;
      try {
        slot = await this.acquire();
      } catch (err) {
        if (!(err instanceof WorkerGone)) throw err;
        lastReason = err.message;
        continue;
      }
      slot.busy++;
      try {
        await this.ensureLoaded(slot, key);
        // shared memory crosses as is; otherwise a copy is transferred and `data` stays here for a retry
        const shared = data.buffer instanceof SharedArrayBuffer;
        const sent = shared ? data : data.slice();
        const reply = await this.request(slot, { type: 'run', id: 0, key, data: sent, rows, cols }, shared ? [] : [sent.buffer as ArrayBuffer], this.runTimeoutMs);
        if (reply.type !== 'result') throw new InferenceRunError(key, `unexpected reply ${reply.type}`);
        return reply.outputs;
      } catch (err) {
        if (!(err instanceof WorkerGone)) throw err;
        lastReason = err.message;
        this.options.logger?.warn({ model: key, attempt, reason: err.message }, 'inference batch lost with its worker');
      } finally {
        slot.busy--;
      }
    }
    throw new InferenceWorkerError(`batch for ${key} failed on two workers; last: ${lastReason}`);
  }

  /** Test fault injection: the worker exits as if it crashed. */
  crashWorker(index: number): void {
    this.post(this.slots[index], { type: 'crash', id: 0 }, []);
  }

  /** Test fault injection: the worker blocks its event loop for `ms`. */
  hangWorker(index: number, ms: number): void {
    this.post(this.slots[index], { type: 'hang', id: 0, ms }, []);
  }

  async close(): Promise<void> {
    // Release every session inside its worker first: terminating a thread whose ONNX Runtime
    // sessions are still alive lets their native finalizers run against a torn-down environment,
    // which can abort the whole process (std::terminate on a Napi::Error).
    await Promise.all([...this.specs.keys()].map((key) => this.unload(key))).catch(() => undefined);
    this.closed = true;
    clearInterval(this.healthTimer);
    this.slotWaiters.splice(0).forEach((w) => w());
    await Promise.all(this.slots.map((slot) => {
      this.retire(slot, 'pool closed');
      return slot.worker.terminate();
    }));
  }

  private spawn(index: number): Slot {
    const workerData: WorkerBootData = { entry: WORKER_ENTRY, testFaults: this.options.testFaults ?? false, crashOnRun: this.options.testCrashOnRun ?? null };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData });
    const slot: Slot = { index, worker, alive: true, ready: false, busy: 0, requests: new Map(), loaded: new Map() };
    worker.on('message', (msg: WorkerReply) => this.onReply(slot, msg));
    worker.on('error', (err) => this.replace(slot, `worker ${index} error: ${err.message}`));
    worker.on('exit', (code) => this.replace(slot, `worker ${index} exited with code ${code}`));
    // a replacement opens every known session before taking batches
    void Promise.allSettled([...this.specs.keys()].map((key) => this.ensureLoaded(slot, key))).then(() => {
      if (!slot.alive) return;
      slot.ready = true;
      this.slotWaiters.splice(0).forEach((w) => w());
    });
    return slot;
  }

  private onReply(slot: Slot, msg: WorkerReply): void {
    const pending = slot.requests.get(msg.id);
    if (!pending) return;
    slot.requests.delete(msg.id);
    if (pending.timer) clearTimeout(pending.timer);
    pending.resolve(msg);
  }

  /** Marks a slot dead and fails what it held; idempotent. */
  private retire(slot: Slot, reason: string): boolean {
    if (!slot.alive) return false;
    slot.alive = false;
    slot.ready = false;
    for (const [, pending] of slot.requests) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(new WorkerGone(reason));
    }
    slot.requests.clear();
    return true;
  }

  private replace(slot: Slot, reason: string): void {
    if (!this.retire(slot, reason) || this.closed) return;
    this.restartCount++;
    this.options.logger?.error({ worker: slot.index, reason }, 'inference worker replaced');
    this.options.onRestart?.(reason);
    // The replacement starts once the old thread is gone: onnxruntime-node initialising in a new
    // thread while another tears its environment down can abort the whole process.
    void slot.worker.terminate().catch(() => undefined).then(() => {
      if (!this.closed) this.slots[slot.index] = this.spawn(slot.index);
    });
  }

  private post(slot: Slot, msg: WorkerRequest, transfer: ArrayBuffer[]): void {
    slot.worker.postMessage(msg, transfer);
  }

  private request(slot: Slot, msg: WorkerRequest, transfer: ArrayBuffer[], timeoutMs: number): Promise<WorkerReply> {
    if (!slot.alive) return Promise.reject(new WorkerGone(`worker ${slot.index} is gone`));
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => this.replace(slot, `worker ${slot.index} hung: no answer to ${msg.type} in ${timeoutMs} ms`), timeoutMs);
      slot.requests.set(id, { resolve, reject, timer });
      this.post(slot, { ...msg, id }, transfer);
    }).then((reply) => {
      if (reply.type !== 'error') return reply;
      if (reply.kind === 'load' && msg.type === 'load') throw new ModelLoadError(msg.spec.path, reply.message);
      throw new InferenceRunError(msg.type === 'run' ? msg.key : msg.type, reply.message);
    });
  }

  private ensureLoaded(slot: Slot, key: string): Promise<void> {
    const existing = slot.loaded.get(key);
    if (existing) return existing;
    const spec = this.specs.get(key);
    if (!spec) return Promise.reject(new InferenceRunError(key, 'model is not loaded in the pool'));
    const loading = this.request(slot, { type: 'load', id: 0, spec }, [], this.runTimeoutMs).then(() => undefined);
    slot.loaded.set(key, loading);
    // a failed load is forgotten so a later batch (or a fixed file) can try again
    loading.catch(() => { if (slot.loaded.get(key) === loading) slot.loaded.delete(key); });
    return loading;
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new InferenceWorkerError('pool closed');
      const ready = this.slots.filter((s) => s.ready);
      if (ready.length > 0) {
        // least busy; ties go round-robin so idle workers share the load
        const start = this.nextSlot++ % this.slots.length;
        let best: Slot | null = null;
        for (let i = 0; i < this.slots.length; i++) {
          const s = this.slots[(start + i) % this.slots.length];
          if (s.ready && (best === null || s.busy < best.busy)) best = s;
        }
        return best!;
      }
      // workers that keep dying before they are ready must not hold a batch forever
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const woke = await new Promise<boolean>((resolve) => {
        this.slotWaiters.push(() => resolve(true));
        timer = setTimeout(() => resolve(false), this.runTimeoutMs);
      });
      clearTimeout(timer);
      if (!woke) throw new WorkerGone(`no worker ready within ${Date.now() - started} ms`);
    }
  }

  private checkHealth(): void {
    for (const slot of this.slots) {
      if (!slot.ready) continue;
      this.request(slot, { type: 'ping', id: 0 }, [], this.pingTimeoutMs).catch(() => undefined);
    }
  }
}
