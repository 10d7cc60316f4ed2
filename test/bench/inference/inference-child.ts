// One measuring process of the inference bench (run.ts starts it pinned to one CPU, once per kind):
//
//   node inference-child.js ort|engine --models DIR --csv HOLDOUT.csv --csv TRAIN.csv
//
// Prints `{"ready": ...}`, then answers one JSON line per command read from stdin:
//   {"model": NAME, "batch": N, "seconds": S, "minIterations": K} -> LatencySummary
// `ort`: an onnxruntime-node InferenceSession per model, one intra-op and one inter-op thread.
// `engine`: @ids/inference InferenceEngine per model (pool of 1 worker, cache off,
// maxBatch = N, maxWaitMs 1), fed one score() call of N vectors at a time, each vector
// check()ed first as the inference stage does (and scored with valuesChecked); model "serving-set"
// is the committed models/registry.json (classifier, anomaly model and shadow on every batch).
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { InferenceEngine, type ScoreRequest } from '@ids/inference';
import * as ort from 'onnxruntime-node';
import { SERVING_SET } from './inference-bench-args';
import { readFeatureRows, sliceBatches, type FeatureRows } from './feature-rows';
import { summarizeLatencies, type LatencySummary } from './latency-stats';

export interface MeasureCommand {
  model: string;
  batch: number;
  seconds: number;
  minIterations: number;
}

interface Metadata {
  name: string;
  version: string;
  role: 'classifier' | 'anomaly';
  file: string;
  input: string;
  outputs: Record<string, string>;
  feature_schema: string;
}

type RunBatch = (index: number) => Promise<unknown>;

function latestVersion(modelsDir: string, name: string): Metadata {
  const dir = join(modelsDir, name);
  // the highest version serves (libs/inference ModelRegistry); the committed ones all validate
  const versions = readdirSync(dir).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  versions.sort((a, b) => {
    const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const version = versions.at(-1);
  if (version === undefined) throw new Error(`no version of ${name} in ${dir}`);
  return JSON.parse(readFileSync(join(dir, version, 'metadata.json'), 'utf8')) as Metadata;
}

async function timeLoop(run: RunBatch, batch: number, seconds: number, minIterations: number): Promise<LatencySummary> {
  await run(0); // warm-up, untimed
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  for (let k = 0; ; k++) {
    const t = process.hrtime.bigint();
    await run(k);
    const end = process.hrtime.bigint();
    latencies.push(Number(end - t) / 1e9);
    if (k + 1 >= minIterations && end >= deadline) break;
  }
  const used = process.cpuUsage(cpu);
  return { ...summarizeLatencies(latencies, latencies.length * batch), cpu_seconds: (used.user + used.system) / 1e6 };
}

class OrtRunner {
  private readonly sessions = new Map<string, { session: ort.InferenceSession; meta: Metadata }>();

  constructor(private readonly modelsDir: string, private readonly rows: FeatureRows) {}

  async measure(c: MeasureCommand): Promise<LatencySummary> {
    let s = this.sessions.get(c.model);
    if (!s) {
      const meta = latestVersion(this.modelsDir, c.model);
      const session = await ort.InferenceSession.create(join(this.modelsDir, c.model, meta.version, meta.file), {
        executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3,
      });
      s = { session, meta };
      this.sessions.set(c.model, s);
    }
    const { session, meta } = s;
    const width = this.rows.featureNames.length;
    const feeds = sliceBatches(this.rows, c.batch).map((b) => ({ [meta.input]: new ort.Tensor('float32', b, [c.batch, width]) }));
    const fetches = Object.values(meta.outputs);
    return timeLoop((k) => session.run(feeds[k % feeds.length], fetches), c.batch, c.seconds, c.minIterations);
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await s.session.release();
  }
}

class EngineRunner {
  private engine: { key: string; engine: InferenceEngine; dir: string | null } | null = null;

  constructor(private readonly modelsDir: string, private readonly rows: FeatureRows) {}

  async measure(c: MeasureCommand): Promise<LatencySummary> {
    const engine = await this.open(c.model, c.batch);
    const width = this.rows.featureNames.length;
    const schema = c.model === SERVING_SET ? latestVersion(this.modelsDir, this.servingClassifier()).feature_schema : latestVersion(this.modelsDir, c.model).feature_schema;
    const requests: ScoreRequest[][] = sliceBatches(this.rows, c.batch).map((b, k) =>
      Array.from({ length: c.batch }, (_, r) => ({ key: `b${k}r${r}`, featureSchema: schema, values: Array.from(b.subarray(r * width, (r + 1) * width)) })));
    return timeLoop(async (k) => {
      // as the inference stage does: check() each vector where it could still dead-letter it,
      // then score the batch without the values being read a second time
      const batch = requests[k % requests.length];
      for (const r of batch) {
        const refused = engine.check(r);
        if (refused) throw new Error(`engine: ${refused.code}: ${refused.message}`);
      }
      const results = await engine.score(batch, { valuesChecked: true });
      for (const r of results) {
        if (!r.ok) throw new Error(`engine: ${r.error.code}: ${r.error.message}`);
        // the cache is off (cacheSize 0): a cached answer here would be counted as inference
        if (r.cached) throw new Error(`engine: ${r.key} was answered from the result cache`);
      }
    }, c.batch, c.seconds, c.minIterations);
  }

  private servingClassifier(): string {
    const roles = JSON.parse(readFileSync(join(this.modelsDir, 'registry.json'), 'utf8')) as { classifier?: string; anomaly?: string };
    return (roles.classifier ?? roles.anomaly)!;
  }

  /** An engine serving `model` alone (a registry of its own in a temp dir), or the committed set. */
  private async open(model: string, batch: number): Promise<InferenceEngine> {
    const key = `${model}/${batch}`;
    if (this.engine?.key === key) return this.engine.engine;
    await this.close();
    let dir: string | null = null;
    let modelsDir = this.modelsDir;
    if (model !== SERVING_SET) {
      const meta = latestVersion(this.modelsDir, model);
      dir = mkdtempSync(join(tmpdir(), 'inference-bench-'));
      symlinkSync(resolve(this.modelsDir, model), join(dir, model));
      writeFileSync(join(dir, 'registry.json'), JSON.stringify({ [meta.role]: model, shadow: [] }));
      modelsDir = dir;
    }
    const engine = await InferenceEngine.create({
      modelsDir, provider: 'cpu', poolSize: 1, maxBatch: batch, maxWaitMs: 1, maxQueued: Math.max(2 * batch, 64),
      cacheSize: 0, watch: false, pollIntervalMs: 0,
    });
    this.engine = { key, engine, dir };
    return engine;
  }

  async close(): Promise<void> {
    if (!this.engine) return;
    await this.engine.engine.close();
    if (this.engine.dir) rmSync(this.engine.dir, { recursive: true, force: true });
    this.engine = null;
  }
}

function option(argv: string[], name: string): string[] {
  return argv.flatMap((a, i) => (a === name && i + 1 < argv.length ? [argv[i + 1]] : []));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const kind = argv[0];
  if (kind !== 'ort' && kind !== 'engine') throw new Error(`usage: inference-child.js ort|engine --models DIR --csv FILE...`);
  const modelsDir = option(argv, '--models')[0] ?? 'models';
  const rows = readFeatureRows(option(argv, '--csv'));
  const runner = kind === 'ort' ? new OrtRunner(modelsDir, rows) : new EngineRunner(modelsDir, rows);
  console.log(JSON.stringify({ ready: true, kind, rows: rows.rows, features: rows.featureNames.length, node: process.version, onnxruntimeNode: ort.env.versions.node ?? null }));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      console.log(JSON.stringify(await runner.measure(JSON.parse(line) as MeasureCommand)));
    } catch (err) {
      console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    }
  }
  await runner.close();
}

main().catch((err: unknown) => {
  console.error(`inference-child: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
