import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@ids/observability';
import { Registry } from 'prom-client';
import {
  detectProviderLibraries, placeModel, selectExecutionProvider,
  type ModelPlacement, type ProviderLibraries, type ProviderPreference, type ProviderProbe, type ProviderSelection,
} from './execution-provider.selector';
import {
  FeatureSchemaMismatchError, FeatureValueInvalidError, FeatureVectorLengthError, InferenceError, InferenceRunError, InferenceWorkerError,
  ModelNotAvailableError,
} from './inference.errors';
import { InferenceMetrics } from './inference.metrics';
import { BatchInputPool } from './batch-input.pool';
import { MicroBatcher } from './micro-batcher';
import { classifierReading, interpretAnomaly, readClassifierRow, type ModelScore } from './model-score.interpreter';
import { ModelRegistry, type ModelArtifact, type ModelSnapshot } from './model.registry';
import { ResultCache, resultCacheKey } from './result.cache';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool';

/** One vector to score; `key` is the caller's id for it (the flow uid), echoed in the result. */
export interface ScoreRequest {
  key: string;
  featureSchema: string;
  values: number[];
}

export interface ScoreOptions {
  /**
   * Every vector has passed `check()` (as a stage does where it can still dead-letter it): its
   * values are finite and are not read a second time. Finiteness does not depend on the models,
   * so a reload since the check changes nothing; schema and length are checked again anyway.
   */
  valuesChecked?: boolean;
  /**
   * The caller adds no vectors while it awaits this call (a stage scoring what one poll brought):
   * the call's last partial batch is sent at once instead of waiting maxWaitMs for other callers.
   */
  noWait?: boolean;
}

export type ScoreResult =
  | { key: string; ok: true; cached: boolean; scores: ModelScore[] }
  /** `error.retriable` false (schema, length, value): send the record to the DLQ. */
  | { key: string; ok: false; error: InferenceError };

export interface InferenceEngineOptions {
  /** The models/ directory (registry.json, <name>/<version>/). */
  modelsDir: string;
  /** Default auto: TensorRT, then CUDA, when their libraries load; else CPU. */
  provider?: ProviderPreference;
  /** Worker threads; default min(2, cores). */
  poolSize?: number;
  maxBatch?: number;
  maxWaitMs?: number;
  maxQueued?: number;
  cacheSize?: number;
  cacheTtlMs?: number;
  /** Hot reload on model directory changes. Default true. */
  watch?: boolean;
  pollIntervalMs?: number;
  debounceMs?: number;
  /** prom-client registry to register the metrics on; default a private one. */
  metricsRegistry?: Registry;
  logger?: Logger;
  /** Worker health settings and test fault injection. */
  workers?: Omit<WorkerPoolOptions, 'size' | 'logger' | 'onRestart'>;
  /** Overrides for tests: provider libraries found and the GPU session probe. */
  providerLibraries?: ProviderLibraries;
  providerProbe?: ProviderProbe;
  now?: () => number;
}

interface BatchItem {
  key: string;
  featureSchema: string;
  values: number[];
  /** The snapshot the vector was validated against in score(); a batch on another one checks again. */
  snapshot: ModelSnapshot;
  /** Its result-cache key under `snapshot` (null: the cache is off). */
  cacheKey: string | null;
  /** The caller vouched for the values' finiteness (ScoreOptions.valuesChecked). */
  valuesChecked: boolean;
}

type ItemOutcome = ModelScore[] | InferenceError;

/**
 * The façade the inference stage uses: validate, cache, micro-batch, run every served model
 * (classifier, anomaly, shadows) in the worker pool, and interpret the outputs. Hot reloads swap
 * the model snapshot between batches: a running batch keeps the snapshot it started with.
 */
export class InferenceEngine {
  readonly metrics: InferenceMetrics;
  private snapshot!: ModelSnapshot;
  private readonly inUse = new Map<ModelSnapshot, number>();
  private readonly placements = new Map<string, ModelPlacement>();
  private reloading: Promise<ModelSnapshot> = Promise.resolve(null as unknown as ModelSnapshot);
  private readonly cache: ResultCache<ModelScore[]>;
  private readonly batcher: MicroBatcher<BatchItem, ItemOutcome>;
  private readonly inputs: BatchInputPool;
  private closed = false;

  private constructor(
    private readonly options: InferenceEngineOptions,
    readonly provider: ProviderSelection,
    private readonly registry: ModelRegistry,
    private readonly pool: WorkerPool,
  ) {
    this.metrics = new InferenceMetrics(options.metricsRegistry ?? new Registry());
    this.cache = new ResultCache({ maxEntries: options.cacheSize, ttlMs: options.cacheTtlMs, now: options.now });
    this.batcher = new MicroBatcher({
      process: (items) => this.runBatch(items),
      maxBatch: options.maxBatch, maxWaitMs: options.maxWaitMs, maxQueued: options.maxQueued,
      maxConcurrentBatches: pool.size,
    });
    this.inputs = new BatchInputPool(pool.size + 1);
  }

  static async create(options: InferenceEngineOptions): Promise<InferenceEngine> {
    const logger = options.logger;
    const registry = new ModelRegistry({ dir: options.modelsDir, logger, pollIntervalMs: options.pollIntervalMs, debounceMs: options.debounceMs, watch: options.watch });
    // a dry pass (no sessions) finds a tensor-operator model to try a GPU session with
    const dry = await registry.resolve(async () => undefined);
    const tensorModel = [dry.classifier, dry.anomaly, ...dry.shadows].find((m) => m?.metadata.operators === 'tensor') ?? null;
    const probe = options.providerProbe ?? (tensorModel ? sessionProbe(join(tensorModel.dir, tensorModel.metadata.file)) : null);
    const provider = await selectExecutionProvider(options.provider ?? 'auto', options.providerLibraries ?? detectProviderLibraries(), probe);
    logger?.info({ provider: provider.provider, reason: provider.reason }, 'inference execution provider');
    let engine: InferenceEngine | null = null;
    const pool = new WorkerPool({
      ...options.workers, size: options.poolSize, logger,
      onRestart: () => engine?.metrics.workerRestarts.inc(),
    });
    engine = new InferenceEngine(options, provider, registry, pool);
    try {
      await engine.reload();
    } catch (err) {
      await pool.close();
      throw err;
    }
    if (options.watch ?? true) {
      registry.watch(() => void engine.reload().catch((err: Error) => logger?.error({ err: err.message }, 'model reload failed; previous models keep serving')));
    }
    return engine;
  }

  /** The models serving now. */
  /**
   * What `score` would refuse this vector for, against the models serving now (null: nothing), so a
   * stage can dead-letter a bad record where it still knows its offset.
   */
  check(v: ScoreRequest): InferenceError | null {
    return validate(v, this.snapshot);
  }

  get models(): ModelSnapshot {
    return this.snapshot;
  }

  /** Where each loaded model runs (name@version → placement), for logs and health endpoints. */
  get modelPlacements(): ReadonlyMap<string, ModelPlacement> {
    return this.placements;
  }

  get workerRestarts(): number {
    return this.pool.restarts;
  }

  /** False while maxQueued vectors are held: stop pulling input until whenWritable() resolves. */
  get writable(): boolean {
    return this.batcher.writable;
  }

  whenWritable(): Promise<void> {
    return this.batcher.whenWritable();
  }

  /**
   * Scores vectors; one result per vector, in order. Never rejects for one bad vector: a schema,
   * length or value problem, or a failed batch, is that vector's `error`. Waits for room in the
   * bounded queue, so awaiting it is the back-pressure.
   */
  async score(vectors: readonly ScoreRequest[], options: ScoreOptions = {}): Promise<ScoreResult[]> {
    const valuesChecked = options.valuesChecked === true;
    // The whole call is validated, looked up and queued in one synchronous pass (one promise and
    // one metric update per call, not per vector), so `writable` already tells the truth on return.
    const n = vectors.length;
    const results = new Array<ScoreResult>(n);
    if (n === 0) return results;
    this.metrics.requests.inc(n);
    if (this.closed) {
      for (let i = 0; i < n; i++) results[i] = this.failed(vectors[i].key, new InferenceWorkerError('engine closed'));
      return results;
    }
    const snapshot = this.snapshot;
    const caching = this.cache.enabled;
    const items: BatchItem[] = [];
    const at: number[] = [];
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const v = vectors[i];
      // the values' finiteness is checked where they are packed into the batch (packRow), unless the caller did
      const invalid = validateShape(v, snapshot);
      if (invalid) {
        results[i] = this.failed(v.key, invalid);
        continue;
      }
      // Hashing every vector is most of the engine's own cost: only when a cache can answer.
      const cacheKey = caching ? resultCacheKey(v.values, snapshot.id) : null;
      const cached = cacheKey === null ? undefined : this.cache.get(cacheKey);
      if (cached) {
        hits++;
        results[i] = { key: v.key, ok: true, cached: true, scores: cached };
        continue;
      }
      items.push({ key: v.key, featureSchema: v.featureSchema, values: v.values, snapshot, cacheKey, valuesChecked });
      at.push(i);
    }
    if (hits > 0) {
      this.metrics.cacheHits.inc(hits);
      this.metrics.successes.inc(hits);
    }
    if (items.length === 0) return results;
    const scoring = this.batcher.enqueueAll(items, { noWait: options.noWait });
    this.metrics.queueDepth.set(this.batcher.depth);
    let outcomes: ItemOutcome[];
    try {
      outcomes = await scoring;
    } catch (err) {
      if (!(err instanceof InferenceError)) throw err;
      outcomes = items.map(() => err);
    } finally {
      this.metrics.queueDepth.set(this.batcher.depth);
    }
    let scored = 0;
    let nonFinite = 0;
    for (let j = 0; j < outcomes.length; j++) {
      const outcome = outcomes[j];
      const key = items[j].key;
      if (outcome instanceof InferenceError) {
        if (outcome instanceof FeatureValueInvalidError) nonFinite++;
        results[at[j]] = this.failed(key, outcome);
      } else {
        scored++;
        results[at[j]] = { key, ok: true, cached: false, scores: outcome };
      }
    }
    if (scored > 0) this.metrics.successes.inc(scored);
    // a non-finite vector is refused as it is packed, never a miss (as if refused before the cache)
    if (items.length > nonFinite) this.metrics.cacheMisses.inc(items.length - nonFinite);
    return results;
  }

  /** Re-reads the models directory now; serialized with watcher-triggered reloads. */
  reload(): Promise<ModelSnapshot> {
    const next = this.reloading.catch(() => undefined).then(() => this.doReload());
    this.reloading = next;
    return next;
  }

  /** Test hook: the pool's fault injection (needs workers.testFaults). */
  get workerPool(): WorkerPool {
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.registry.stop();
    await this.reloading.catch(() => undefined);
    this.batcher.flush();
    await this.batcher.whenIdle();
    await this.pool.close();
  }

  private failed(key: string, error: InferenceError): ScoreResult {
    this.metrics.failures.inc({ reason: error.code });
    return { key, ok: false, error };
  }

  private async runBatch(items: BatchItem[]): Promise<ItemOutcome[]> {
    this.metrics.queueDepth.set(this.batcher.depth);
    const snapshot = this.snapshot;
    this.inUse.set(snapshot, (this.inUse.get(snapshot) ?? 0) + 1);
    const stop = this.metrics.batchSeconds.startTimer();
    let data: Float32Array | null = null;
    let running: Promise<unknown>[] = [];
    try {
      const outcomes = new Array<ItemOutcome>(items.length);
      const rows: BatchItem[] = [];
      const cols = (snapshot.classifier ?? snapshot.anomaly)!.metadata.feature_names.length;
      data = this.inputs.acquire(items.length * cols, this.batcher.maxBatch * cols);
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (it.snapshot !== snapshot) {
          // a reload between score() and this batch may have changed the schema: check again
          const invalid = validateShape(it, snapshot);
          if (invalid) {
            outcomes[i] = invalid;
            continue;
          }
          it.snapshot = snapshot;
          if (it.cacheKey !== null) it.cacheKey = resultCacheKey(it.values, snapshot.id);
        }
        const invalid = packRow(it, data, rows.length * cols);
        if (invalid) {
          outcomes[i] = invalid;
          continue;
        }
        rows.push(it);
      }
      if (rows.length === 0) return outcomes;
      const input = rows.length === items.length ? data : data.subarray(0, rows.length * cols);
      this.metrics.batches.inc();
      this.metrics.batchSize.observe(rows.length);
      const primary = [snapshot.classifier, snapshot.anomaly].filter((m): m is ModelArtifact => m !== null).map((m) => this.runModel(m, input, rows.length, cols, false));
      const shadows = snapshot.shadows.map((m) => this.runModel(m, input, rows.length, cols, true).catch((err: Error) => {
        // a shadow failing costs its scores, never the alerting models'
        this.options.logger?.warn({ model: m.key, err: err.message }, 'shadow model batch failed');
        return null;
      }));
      running = [...primary, ...shadows];
      const [primaryScores, shadowScores] = await Promise.all([Promise.all(primary), Promise.all(shadows)]);
      const perModel = [...primaryScores, ...shadowScores.filter((s): s is ModelScore[] => s !== null)];
      for (let i = 0, r = 0; i < items.length; i++) {
        if (outcomes[i] !== undefined) continue;
        const scores = new Array<ModelScore>(perModel.length);
        for (let m = 0; m < perModel.length; m++) scores[m] = perModel[m][r];
        const cacheKey = rows[r].cacheKey;
        if (cacheKey !== null) this.cache.set(cacheKey, scores);
        outcomes[i] = scores;
        r++;
      }
      return outcomes;
    } catch (err) {
      if (err instanceof InferenceError) return items.map(() => err);
      throw err;
    } finally {
      stop();
      if (data !== null) {
        // the workers read the batch in place: its buffer is reused only once every model is done
        const buffer = data;
        void Promise.allSettled(running).then(() => this.inputs.release(buffer));
      }
      const left = this.inUse.get(snapshot)! - 1;
      if (left === 0) this.inUse.delete(snapshot);
      else this.inUse.set(snapshot, left);
      if (snapshot !== this.snapshot && left === 0) void this.releaseUnused();
    }
  }

  private async runModel(m: ModelArtifact, data: Float32Array, rows: number, cols: number, shadow: boolean): Promise<ModelScore[]> {
    const meta = m.metadata;
    const outputName = (meta.role === 'classifier' ? meta.outputs.probabilities : meta.outputs.score)!;
    const outputs = await this.pool.run(m.key, data, rows, cols);
    const out = outputs[outputName].data;
    const scores = new Array<ModelScore>(rows);
    if (meta.role === 'classifier') {
      const width = meta.classes!.length;
      if (out.length !== rows * width) throw new InferenceRunError(m.key, `${outputName} has ${out.length} values for ${rows} rows of ${width} classes`);
      const reading = classifierReading(meta);
      for (let r = 0; r < rows; r++) scores[r] = readClassifierRow(reading, out, shadow, r * width);
      return scores;
    }
    if (out.length !== rows) throw new InferenceRunError(m.key, `${outputName} has ${out.length} values for ${rows} rows`);
    for (let r = 0; r < rows; r++) scores[r] = interpretAnomaly(meta, out[r], shadow);
    return scores;
  }

  private async doReload(): Promise<ModelSnapshot> {
    if (this.closed) return this.snapshot;
    try {
      const next = await this.registry.resolve((artifact) => this.activate(artifact));
      if (!next.classifier && !next.anomaly) throw new ModelNotAvailableError('classifier', 'registry.json names no model');
      const previous = this.snapshot as ModelSnapshot | undefined;
      if (!previous || previous.id !== next.id) {
        this.snapshot = next;
        this.options.logger?.info({ models: next.id, previous: previous?.id ?? null }, 'inference models serving');
      }
      this.metrics.reloads.inc({ outcome: 'ok' });
      return this.snapshot;
    } catch (err) {
      this.metrics.reloads.inc({ outcome: 'failed' });
      throw err;
    } finally {
      await this.releaseUnused();
    }
  }

  /** Opens a version's sessions in every worker; a refused model.onnx rejects with ModelLoadError. */
  private async activate(artifact: ModelArtifact): Promise<void> {
    if (this.placements.has(artifact.key)) return;
    const meta = artifact.metadata;
    const placement = placeModel(this.provider, meta, (f) => existsSync(join(artifact.dir, f)));
    const outputs = [meta.role === 'classifier' ? meta.outputs.probabilities! : meta.outputs.score!];
    await this.pool.load({ key: artifact.key, path: join(artifact.dir, placement.file), executionProviders: placement.executionProviders, input: meta.input, outputs });
    this.placements.set(artifact.key, placement);
    this.metrics.provider.set({ model: meta.name, version: meta.version, provider: placement.provider, fp16: String(placement.fp16) }, 1);
    this.options.logger?.info({ model: artifact.key, provider: placement.provider, fp16: placement.fp16, operators: meta.operators, reason: placement.reason }, 'model loaded');
  }

  /** Closes sessions no serving snapshot and no running batch uses. */
  private async releaseUnused(): Promise<void> {
    const keep = new Set<string>();
    for (const s of [this.snapshot, ...this.inUse.keys()]) {
      if (!s) continue;
      for (const m of [s.classifier, s.anomaly, ...s.shadows]) if (m) keep.add(m.key);
    }
    for (const [key, placement] of [...this.placements]) {
      if (keep.has(key)) continue;
      this.placements.delete(key);
      const [name, version] = key.split('@');
      this.metrics.provider.remove({ model: name, version, provider: placement.provider, fp16: String(placement.fp16) });
      await this.pool.unload(key);
      this.options.logger?.info({ model: key }, 'model unloaded');
    }
  }
}

/** Schema, length and values against the models serving: what `check` answers. */
function validate(v: { key: string; featureSchema: string; values: number[] }, snapshot: ModelSnapshot): InferenceError | null {
  const invalid = validateShape(v, snapshot);
  if (invalid) return invalid;
  return firstNonFinite(v);
}

/** The model whose schema a vector must match: the classifier, else the anomaly model. */
function validateShape(v: { key: string; featureSchema: string; values: number[] }, snapshot: ModelSnapshot): InferenceError | null {
  const model = (snapshot.classifier ?? snapshot.anomaly)!;
  const meta = model.metadata;
  if (v.featureSchema !== meta.feature_schema) return new FeatureSchemaMismatchError(v.key, meta.feature_schema, v.featureSchema, model.key);
  if (v.values.length !== meta.feature_names.length) return new FeatureVectorLengthError(v.key, meta.feature_names.length, v.values.length, model.key);
  return null;
}

/**
 * Writes one vector as float32 at `at`, refusing it when a value is not finite (unless the caller
 * checked already). TypedArray#set converts a number[] in native code, about twice as fast as
 * a loop of element stores here; the check reads the doubles, as `check()` does.
 */
function packRow(item: BatchItem, data: Float32Array, at: number): InferenceError | null {
  data.set(item.values, at);
  return item.valuesChecked ? null : firstNonFinite(item);
}

function firstNonFinite(v: { key: string; values: ArrayLike<number> }): InferenceError | null {
  const values = v.values;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return new FeatureValueInvalidError(v.key, i, values[i]);
  }
  return null;
}

/** Tries a real session on the provider: present libraries can still miss CUDA/cuDNN on the loader path. */
function sessionProbe(modelPath: string): ProviderProbe {
  return async (provider) => {
    try {
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider], logSeverityLevel: 4 });
      await session.release();
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
}
