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
import { MicroBatcher } from './micro-batcher';
import { interpretAnomaly, interpretClassifier, type ModelScore } from './model-score.interpreter';
import { ModelRegistry, type ModelArtifact, type ModelSnapshot } from './model.registry';
import { ResultCache, resultCacheKey } from './result.cache';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool';

/** One vector to score; `key` is the caller's id for it (the flow uid), echoed in the result. */
export interface ScoreRequest {
  key: string;
  featureSchema: string;
  values: number[];
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
  async score(vectors: ScoreRequest[]): Promise<ScoreResult[]> {
    return Promise.all(vectors.map((v) => this.scoreOne(v)));
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

  private async scoreOne(v: ScoreRequest): Promise<ScoreResult> {
    this.metrics.requests.inc();
    const failed = (error: InferenceError): ScoreResult => {
      this.metrics.failures.inc({ reason: error.code });
      return { key: v.key, ok: false, error };
    };
    if (this.closed) return failed(new InferenceWorkerError('engine closed'));
    const snapshot = this.snapshot;
    const invalid = validate(v, snapshot);
    if (invalid) return failed(invalid);
    // Hashing every vector is most of the engine's own cost: only when a cache can answer.
    const cached = this.cache.enabled ? this.cache.get(resultCacheKey(v.values, snapshot.id)) : undefined;
    if (cached) {
      this.metrics.cacheHits.inc();
      this.metrics.successes.inc();
      return { key: v.key, ok: true, cached: true, scores: cached };
    }
    this.metrics.cacheMisses.inc();
    try {
      const outcome = await this.batcher.enqueue({ key: v.key, featureSchema: v.featureSchema, values: v.values });
      this.metrics.queueDepth.set(this.batcher.depth);
      if (outcome instanceof InferenceError) return failed(outcome);
      this.metrics.successes.inc();
      return { key: v.key, ok: true, cached: false, scores: outcome };
    } catch (err) {
      if (err instanceof InferenceError) return failed(err);
      throw err;
    } finally {
      this.metrics.queueDepth.set(this.batcher.depth);
    }
  }

  private async runBatch(items: BatchItem[]): Promise<ItemOutcome[]> {
    this.metrics.queueDepth.set(this.batcher.depth);
    const snapshot = this.snapshot;
    this.inUse.set(snapshot, (this.inUse.get(snapshot) ?? 0) + 1);
    const stop = this.metrics.batchSeconds.startTimer();
    try {
      // a reload between score() and this batch may have changed the schema: check again
      const outcomes: (ItemOutcome | null)[] = items.map((it) => validate({ ...it }, snapshot));
      const rows = items.filter((_, i) => outcomes[i] === null);
      if (rows.length === 0) return outcomes as ItemOutcome[];
      const cols = rows[0].values.length;
      const data = new Float32Array(rows.length * cols);
      rows.forEach((r, i) => data.set(r.values, i * cols));
      this.metrics.batches.inc();
      this.metrics.batchSize.observe(rows.length);
      const primary = [snapshot.classifier, snapshot.anomaly].filter((m): m is ModelArtifact => m !== null);
      const [primaryScores, shadowScores] = await Promise.all([
        Promise.all(primary.map((m) => this.runModel(m, data, rows.length, cols, false))),
        Promise.all(snapshot.shadows.map((m) => this.runModel(m, data, rows.length, cols, true).catch((err: Error) => {
          // a shadow failing costs its scores, never the alerting models'
          this.options.logger?.warn({ model: m.key, err: err.message }, 'shadow model batch failed');
          return null;
        }))),
      ]);
      let row = 0;
      return outcomes.map((o) => {
        if (o !== null) return o;
        const r = row++;
        const scores = [...primaryScores, ...shadowScores.filter((s): s is ModelScore[] => s !== null)].map((perRow) => perRow[r]);
        if (this.cache.enabled) this.cache.set(resultCacheKey(rows[r].values, snapshot.id), scores);
        return scores;
      });
    } catch (err) {
      if (err instanceof InferenceError) return items.map(() => err);
      throw err;
    } finally {
      stop();
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
    const out = outputs[outputName];
    if (meta.role === 'classifier') {
      const width = meta.classes!.length;
      if (out.data.length !== rows * width) throw new InferenceRunError(m.key, `${outputName} has ${out.data.length} values for ${rows} rows of ${width} classes`);
      return Array.from({ length: rows }, (_, r) => interpretClassifier(meta, out.data.subarray(r * width, (r + 1) * width), shadow));
    }
    if (out.data.length !== rows) throw new InferenceRunError(m.key, `${outputName} has ${out.data.length} values for ${rows} rows`);
    return Array.from(out.data, (s) => interpretAnomaly(meta, s, shadow));
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

/** The model whose schema a vector must match: the classifier, else the anomaly model. */
function validate(v: { key: string; featureSchema: string; values: number[] }, snapshot: ModelSnapshot): InferenceError | null {
  const model = (snapshot.classifier ?? snapshot.anomaly)!;
  const meta = model.metadata;
  if (v.featureSchema !== meta.feature_schema) return new FeatureSchemaMismatchError(v.key, meta.feature_schema, v.featureSchema, model.key);
  if (v.values.length !== meta.feature_names.length) return new FeatureVectorLengthError(v.key, meta.feature_names.length, v.values.length, model.key);
  const bad = v.values.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) return new FeatureValueInvalidError(v.key, bad, v.values[bad]);
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
