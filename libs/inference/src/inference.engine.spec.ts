import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { InferenceEngine, type ScoreResult } from './inference.engine';
import { FeatureSchemaMismatchError, FeatureValueInvalidError, FeatureVectorLengthError } from './inference.errors';

const SOURCE = join(__dirname, '..', 'test-models', 'models');
const expected = JSON.parse(readFileSync(join(__dirname, '..', 'test-models', 'expected.json'), 'utf8')) as {
  feature_schema: string;
  inputs: number[][];
  models: Record<string, { probabilities?: number[][]; score?: number[] }>;
};
const SCHEMA = expected.feature_schema;
const CLASSES = ['benign', 'syn-flood', 'port-scan'];
const noGpu = { binDir: null, shared: false, cuda: false, tensorrt: false };

const vectors = (): { key: string; featureSchema: string; values: number[] }[] =>
  expected.inputs.map((values, i) => ({ key: `flow-${i}`, featureSchema: SCHEMA, values }));

function ok(r: ScoreResult): Extract<ScoreResult, { ok: true }> {
  if (!r.ok) throw r.error;
  return r;
}

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// real worker threads and sessions on a shared 2-core machine: generous, never asserted on
jest.setTimeout(30_000);

describe('InferenceEngine (real onnxruntime-node)', () => {
  let dir: string;
  let engine: InferenceEngine | null = null;
  let metrics: Registry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ids-engine-'));
    cpSync(SOURCE, dir, { recursive: true });
    metrics = new Registry();
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (extra: Partial<Parameters<typeof InferenceEngine.create>[0]> = {}): Promise<InferenceEngine> =>
    InferenceEngine.create({ modelsDir: dir, poolSize: 1, maxWaitMs: 5, watch: false, metricsRegistry: metrics, providerLibraries: noGpu, ...extra });

  it('scores with the classifier, the anomaly model and the shadow, as the Python models did', async () => {
    engine = await start();
    const results = (await engine.score(vectors())).map(ok);
    results.forEach((r, i) => {
      const [gbdt, ae, mlp] = r.scores;
      expect([gbdt.model, gbdt.version, gbdt.shadow, ae.model, ae.shadow, mlp.model, mlp.shadow]).toEqual(['flow-gbdt', '1.0.0', false, 'flow-ae', false, 'flow-mlp', true]);
      const probs = expected.models['flow-gbdt'].probabilities![i];
      expect(gbdt.confidence).toBeCloseTo(Math.max(...probs), 5);
      const best = probs.indexOf(Math.max(...probs));
      expect(gbdt.label).toBe(probs[best] >= 0.5 ? CLASSES[best] : 'benign');
      expect(gbdt.family).toBe({ benign: 'benign', 'syn-flood': 'dos', 'port-scan': 'scan' }[gbdt.label]);
      expect(Math.abs(ae.anomalyScore! - expected.models['flow-ae'].score![i])).toBeLessThan(1e-5);
      expect(mlp.confidence).toBeCloseTo(Math.max(...expected.models['flow-mlp'].probabilities![i]), 5);
      expect(mlp.alert).toBe(false);
    });
    expect(results.some((r) => r.scores[0].label !== 'benign')).toBe(true);
    expect(engine.provider.provider).toBe('cpu');
    expect(engine.modelPlacements.get('flow-gbdt@1.0.0')?.provider).toBe('cpu');
  });

  it('rejects per vector a wrong feature schema, a wrong length and a non-finite value, scoring the rest', async () => {
    engine = await start();
    const good = vectors()[0];
    const results = await engine.score([
      { ...good, key: 'a', featureSchema: 'cic+kdd/1' },
      { ...good, key: 'b', values: good.values.slice(1) },
      { ...good, key: 'c', values: [NaN, ...good.values.slice(1)] },
      good,
    ]);
    const [a, b, c, d] = results;
    expect(!a.ok && a.error).toBeInstanceOf(FeatureSchemaMismatchError);
    expect(!a.ok && a.error).toMatchObject({ expected: SCHEMA, actual: 'cic+kdd/1', code: 'FEATURE_SCHEMA_MISMATCH', retriable: false });
    expect(!b.ok && b.error).toBeInstanceOf(FeatureVectorLengthError);
    expect(!c.ok && c.error).toBeInstanceOf(FeatureValueInvalidError);
    expect(d.ok).toBe(true);
    expect(await metrics.getSingleMetricAsString('ids_inference_failures_total')).toContain('reason="FEATURE_SCHEMA_MISMATCH"} 1');
  });

  it('with valuesChecked still refuses a wrong schema or length, and scores checked vectors as an unchecked call does', async () => {
    engine = await start({ cacheSize: 0 });
    const [good, other] = vectors();
    expect(engine.check(good)).toBeNull();
    const plain = (await engine.score([good, other])).map(ok);
    const [schema, length, x, y] = await engine.score([
      { ...good, key: 's', featureSchema: 'cic+kdd/1' },
      { ...good, key: 'l', values: good.values.slice(1) },
      good,
      other,
    ], { valuesChecked: true });
    expect(!schema.ok && schema.error).toBeInstanceOf(FeatureSchemaMismatchError);
    expect(!length.ok && length.error).toBeInstanceOf(FeatureVectorLengthError);
    expect([ok(x).scores, ok(y).scores]).toEqual(plain.map((r) => r.scores));
  });

  it('with noWait scores a call smaller than maxBatch at once instead of after maxWaitMs', async () => {
    engine = await start({ maxBatch: 64, maxWaitMs: 60_000 });
    const started = Date.now();
    const results = await engine.score(vectors(), { noWait: true });
    expect(results.map((r) => r.ok)).toEqual(vectors().map(() => true));
    // the 60 s wait would have outlasted the test's own timeout
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses a non-finite value met while packing a batch, scores its neighbours as if alone, and counts no cache miss for it', async () => {
    engine = await start({ cacheSize: 0 });
    const [a, b] = vectors();
    const alone = (await engine.score([{ ...b, key: 'alone' }])).map(ok)[0];
    const bad = { ...a, key: 'bad', values: a.values.map((x, i) => (i === 3 ? Infinity : x + 1)) };
    const [first, refused, second] = await engine.score([{ ...a, key: 'first' }, bad, { ...b, key: 'second', values: b.values.slice() }]);
    expect(!refused.ok && refused.error).toBeInstanceOf(FeatureValueInvalidError);
    expect(!refused.ok && refused.error).toMatchObject({ index: 3, retriable: false });
    expect(ok(first).key).toBe('first');
    expect(ok(second).scores).toEqual(alone.scores);
    const text = await metrics.metrics();
    expect(text).toContain('ids_inference_cache_misses_total 3');
    expect(text).toContain('ids_inference_cache_hits_total 0');
    expect(text).toContain('reason="FEATURE_VALUE_INVALID"} 1');
    expect(text).toContain(`ids_inference_batch_size_sum 3`);
  });

  it('answers a repeated vector from the cache, and counts hits and misses', async () => {
    engine = await start();
    const [first] = await engine.score([vectors()[0]]);
    const [again] = await engine.score([{ ...vectors()[0], key: 'other' }]);
    expect(ok(first).cached).toBe(false);
    expect(ok(again).cached).toBe(true);
    expect(ok(again).key).toBe('other');
    expect(ok(again).scores).toEqual(ok(first).scores);
    const text = await metrics.metrics();
    expect(text).toContain('ids_inference_cache_hits_total 1');
    expect(text).toContain('ids_inference_cache_misses_total 1');
    expect(text).toContain('ids_inference_batches_total 1');
    expect(text).toMatch(/ids_inference_provider\{model="flow-gbdt",version="1.0.0",provider="cpu",fp16="false"\} 1/);
  });

  it('batches concurrent vectors together', async () => {
    engine = await start({ maxBatch: 32, maxWaitMs: 50 });
    await engine.score(vectors());
    const text = await metrics.metrics();
    expect(text).toContain('ids_inference_batches_total 1');
    expect(text).toContain(`ids_inference_batch_size_sum ${expected.inputs.length}`);
  });

  it('holds at most maxQueued vectors: a larger call waits for room instead of growing the queue', async () => {
    engine = await start({ maxQueued: 2, maxBatch: 32 });
    const many = Array.from({ length: 10 }, (_, i) => ({ key: `v${i}`, featureSchema: SCHEMA, values: expected.inputs[0].map((x) => x + i) }));
    const scoring = engine.score(many);
    expect(engine.writable).toBe(false);
    const results = await scoring;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(engine.writable).toBe(true);
    // every batch fits the le="2" bucket: never more than maxQueued vectors in one batch
    const text = await metrics.getSingleMetricAsString('ids_inference_batch_size');
    const within2 = Number(/ids_inference_batch_size_bucket\{le="2"\} (\d+)/.exec(text)![1]);
    const batches = Number(/ids_inference_batch_size_count (\d+)/.exec(text)![1]);
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(within2).toBe(batches);
  });

  it('hot-reloads a new version directory and serves it', async () => {
    engine = await start({ watch: true, debounceMs: 50, pollIntervalMs: 100 });
    await engine.score([vectors()[0]]);
    const target = join(dir, 'flow-gbdt', '1.1.0');
    cpSync(join(dir, 'flow-gbdt', '1.0.0'), target, { recursive: true });
    const meta = JSON.parse(readFileSync(join(target, 'metadata.json'), 'utf8'));
    writeFileSync(join(target, 'metadata.json'), JSON.stringify({ ...meta, version: '1.1.0' }));
    await until(() => engine!.models.classifier?.key === 'flow-gbdt@1.1.0');
    const [r] = await engine.score([vectors()[0]]);
    // a new model version never serves a cached score of the previous one
    expect(ok(r).cached).toBe(false);
    expect(ok(r).scores[0].version).toBe('1.1.0');
    await until(() => !engine!.modelPlacements.has('flow-gbdt@1.0.0'));
  });

  it('keeps serving the previous version when the new model file is bad', async () => {
    engine = await start();
    const target = join(dir, 'flow-gbdt', '1.1.0');
    cpSync(join(dir, 'flow-gbdt', '1.0.0'), target, { recursive: true });
    writeFileSync(join(target, 'model.onnx'), 'not an onnx model');
    const meta = JSON.parse(readFileSync(join(target, 'metadata.json'), 'utf8'));
    writeFileSync(join(target, 'metadata.json'), JSON.stringify({ ...meta, version: '1.1.0' }));
    const snapshot = await engine.reload();
    expect(snapshot.classifier?.key).toBe('flow-gbdt@1.0.0');
    const [r] = await engine.score([vectors()[1]]);
    expect(ok(r).scores[0].version).toBe('1.0.0');
  });

  it('still answers when its worker crashes, and counts the restart', async () => {
    engine = await start({ workers: { testFaults: true } });
    engine.workerPool.crashWorker(0);
    const results = await engine.score(vectors());
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await metrics.getSingleMetricAsString('ids_inference_worker_restarts_total')).toContain('ids_inference_worker_restarts_total 1');
  });

  it('answers a retriable error for vectors scored after close', async () => {
    const closing = await start();
    await closing.close();
    const [r] = await closing.score([vectors()[0]]);
    expect(!r.ok && r.error).toMatchObject({ code: 'INFERENCE_WORKER_FAILED', retriable: true });
  });

  it('fails to start with the file at fault when registry.json names a missing model', async () => {
    writeFileSync(join(dir, 'registry.json'), JSON.stringify({ classifier: 'nope' }));
    await expect(start()).rejects.toThrow(`no complete version in ${join(dir, 'nope')}`);
  });
});
