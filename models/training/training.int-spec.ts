// Runs the Python training pipeline end to end on a synthetic dataset (models/training/synthetic.py)
// and checks what the inference stage will rely on: the model artifact contract, the registry, and
// that onnxruntime-node computes what Python wrote (golden.json) for a few rows.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.local', 'venv', 'bin', 'python');
const VERSION = '1.2.3';
const NAMES = ['flow-gbdt', 'flow-mlp', 'flow-ae'] as const;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

interface Metadata {
  name: string; version: string; role: string; file: string; operators: string; fp16_ok: boolean;
  fp16?: { file: string | null; rows: number; max_diff: number | null; decision_flips: number; flips_outside_band: number };
  feature_schema: string; feature_names: string[]; input: string; outputs: Record<string, string>;
  classes?: string[]; families: Record<string, string>; thresholds: Record<string, number>;
  training: { data: { path: string; sha256: string; rows: number }[]; split: string; seed: number; created: string };
  metrics: Record<string, number | null>;
}
interface Golden { input: string; rows: number[][]; outputs: Record<string, number[][] | number[]> }
interface NodeRun { inputNames: string[]; outputNames: string[]; dims: number[]; data: number[] }

// onnxruntime-node runs in a child node process: inside jest's sandbox its native outputs are
// Float32Arrays of another realm, which onnxruntime-common's `instanceof` check rejects.
const ORT_NODE_RUN = `
const ort = require('onnxruntime-node');
const fs = require('fs');
const [model, goldenFile, input, output] = process.argv.slice(1);
(async () => {
  const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8'));
  const session = await ort.InferenceSession.create(model);
  const tensor = new ort.Tensor('float32', Float32Array.from(golden.rows.flat()), [golden.rows.length, golden.rows[0].length]);
  const result = (await session.run({ [input]: tensor }))[output];
  process.stdout.write(JSON.stringify({ inputNames: session.inputNames, outputNames: session.outputNames, dims: result.dims, data: Array.from(result.data) }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runInOnnxruntimeNode(model: string, golden: string, input: string, output: string): NodeRun {
  const result = spawnSync(process.execPath, ['-e', ORT_NODE_RUN, model, golden, input, output], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`onnxruntime-node run of ${model} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as NodeRun;
}

function python(args: string[], timeoutMs = 110_000): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' } });
}

function mustRun(args: string[]): string {
  const result = python(args);
  if (result.status !== 0) throw new Error(`python ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Problems of a metadata.json against the model artifact contract; empty when it conforms. */
function contractProblems(m: Metadata, featureNames: string[]): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string): void => { if (!ok) problems.push(what); };
  expect(/^\d+\.\d+\.\d+$/.test(m.version), 'version is semver');
  expect(m.role === 'classifier' || m.role === 'anomaly', 'role');
  expect(m.operators === 'tree-ensemble' || m.operators === 'tensor', 'operators');
  expect(typeof m.fp16_ok === 'boolean', 'fp16_ok boolean');
  expect(m.file === 'model.onnx', 'file');
  expect(m.input === 'input', 'input name');
  expect(JSON.stringify(m.feature_names) === JSON.stringify(featureNames), 'feature_names in dataset order');
  expect(m.feature_schema === 'cic+kdd/1', 'feature_schema copied from the sidecar');
  if (m.role === 'classifier') {
    expect(JSON.stringify(m.outputs) === JSON.stringify({ probabilities: 'probabilities' }), 'classifier outputs');
    expect(Array.isArray(m.classes) && m.classes[0] === 'benign' && m.classes.length >= 2, 'classes start with benign');
    expect((m.classes ?? []).every((c) => typeof m.families[c] === 'string'), 'a family for every class');
    expect(typeof m.thresholds.alert === 'number', 'thresholds.alert');
  } else {
    expect(JSON.stringify(m.outputs) === JSON.stringify({ score: 'score' }), 'anomaly outputs');
    expect(m.classes === undefined, 'no classes on an anomaly model');
    expect(typeof m.thresholds.anomaly === 'number' && m.thresholds.anomaly > 0, 'thresholds.anomaly');
  }
  expect(m.training.seed === 7 && m.training.created === '2026-11-18T11:06:40Z', 'training seed and created');
  expect(m.training.split.includes('per-scenario time split'), 'training.split documented');
  return problems;
}

describe('training pipeline: synthetic dataset -> ONNX model artifacts', () => {
  let work = '';
  let out = '';
  const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const versionDir = (name: string): string => path.join(out, name, VERSION);

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-training-'));
    out = path.join(work, 'models');
    mustRun(['-m', 'models.training.synthetic', '--out', work, '--seed', '7', '--scale', '0.5']);
    mustRun(['-m', 'models.training.train', '--train', path.join(work, 'train.csv'), '--holdout', path.join(work, 'holdout.csv'),
      '--out', out, '--version', VERSION, '--seed', '7']);
  }, 150_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('passes the Python unit checks (split, dataset contract, graph edits, equivalence tolerances)', () => {
    const result = python(['-m', 'unittest', 'discover', '-s', 'models/training/tests', '-t', '.']);
    expect(result.stderr).toMatch(/\nOK\b/);
    expect(result.status).toBe(0);
  }, 120_000);

  it('writes each model version with the contract files and report figures', () => {
    for (const name of NAMES) {
      const files = ['model.onnx', 'metadata.json', 'golden.json', 'report/report.md', 'report/metrics.json', 'report/scores.png'];
      if (name !== 'flow-ae') files.push('report/confusion.png');
      if (name === 'flow-gbdt') files.push('report/importance.png');
      for (const file of files) {
        expect([name, file, fs.existsSync(path.join(versionDir(name), file))]).toEqual([name, file, true]);
      }
      for (const png of files.filter((f) => f.endsWith('.png'))) {
        expect(fs.readFileSync(path.join(versionDir(name), png)).subarray(0, 4)).toEqual(PNG_MAGIC);
      }
      expect(fs.readdirSync(path.join(out, name))).toEqual([VERSION]); // no staging directory left behind
    }
    const report = fs.readFileSync(path.join(versionDir('flow-gbdt'), 'report', 'report.md'), 'utf8');
    expect(report).toMatch(/per-instance detection rate: \d/);
    expect(report).toMatch(/benign false-positive rate: \d/);
    expect(report).toMatch(/Feature importance \(LightGBM gain\)/);
  });

  it('writes metadata that follows the artifact contract, with the training-data manifest', () => {
    const sidecar = readJson<{ feature_names: string[] }>(path.join(work, 'train.csv.json'));
    const roles: Record<string, [string, string]> = {
      'flow-gbdt': ['classifier', 'tree-ensemble'], 'flow-mlp': ['classifier', 'tensor'], 'flow-ae': ['anomaly', 'tensor'],
    };
    for (const name of NAMES) {
      const m = readJson<Metadata>(path.join(versionDir(name), 'metadata.json'));
      expect([name, contractProblems(m, sidecar.feature_names)]).toEqual([name, []]);
      expect([m.name, m.version, m.role, m.operators]).toEqual([name, VERSION, ...roles[name]]);
      expect(m.training.data.map((d) => [d.sha256, d.rows])).toEqual([
        [sha256(path.join(work, 'train.csv')), readJson<{ rows: number }>(path.join(work, 'train.csv.json')).rows],
        [sha256(path.join(work, 'holdout.csv')), readJson<{ rows: number }>(path.join(work, 'holdout.csv.json')).rows],
      ]);
      expect(m.metrics.onnx_max_abs_diff).toBeLessThanOrEqual(1e-4);
      expect(m.metrics.test_instance_detection_rate).toBeGreaterThan(0);
    }
  });

  it('exports tensor models without ai.onnx.ml ops and the GBDT as a TreeEnsemble', () => {
    const script = 'import json,sys,onnx; print(json.dumps({p: sorted({n.domain + ":" + n.op_type for n in onnx.load(p).graph.node if n.domain not in ("", "ai.onnx")}) for p in sys.argv[1:]}))';
    const files = NAMES.map((name) => path.join(versionDir(name), 'model.onnx'));
    const domains = JSON.parse(mustRun(['-c', script, ...files])) as Record<string, string[]>;
    expect(domains[files[0]]).toEqual(['ai.onnx.ml:TreeEnsembleClassifier', 'ai.onnx.ml:TreeEnsembleRegressor']);
    expect(domains[files[1]]).toEqual([]);
    expect(domains[files[2]]).toEqual([]);
  });

  it.each(NAMES)('%s: onnxruntime-node computes what Python wrote for the golden rows', (name) => {
    const m = readJson<Metadata>(path.join(versionDir(name), 'metadata.json'));
    const goldenFile = path.join(versionDir(name), 'golden.json');
    const golden = readJson<Golden>(goldenFile);
    const outputName = Object.values(m.outputs)[0];
    const run = runInOnnxruntimeNode(path.join(versionDir(name), m.file), goldenFile, m.input, outputName);
    expect(run.inputNames).toEqual([m.input]);
    expect(run.outputNames).toEqual([outputName]);
    const rows = golden.rows.length;
    const expected = (golden.outputs[outputName] as (number | number[])[]).flat();
    expect(rows).toBeGreaterThanOrEqual(5);
    expect(golden.rows.every((row) => row.length === m.feature_names.length)).toBe(true);
    expect(run.data).toHaveLength(expected.length);
    const maxDiff = Math.max(...run.data.map((v, k) => Math.abs(v - expected[k]) / Math.max(1, Math.abs(expected[k]))));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    if (m.role === 'classifier') {
      const width = m.classes?.length ?? 0;
      expect(run.dims).toEqual([rows, width]);
      for (let r = 0; r < rows; r++) {
        expect(run.data.slice(r * width, (r + 1) * width).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    } else {
      expect(run.dims[0]).toBe(rows);
    }
  }, 30_000);

  it.each(['flow-mlp', 'flow-ae'])('%s: writes the float16 sibling its check passed, smaller, and onnxruntime-node runs it', (name) => {
    const m = readJson<Metadata>(path.join(versionDir(name), 'metadata.json'));
    expect([m.fp16_ok, m.fp16?.file, m.fp16?.flips_outside_band]).toEqual([true, 'model.fp16.onnx', 0]);
    expect(m.fp16?.max_diff).toBeLessThanOrEqual(1e-2);
    expect(m.metrics.fp16_max_diff).toBe(m.fp16?.max_diff);
    const half = path.join(versionDir(name), 'model.fp16.onnx');
    // float16 weights; the float32 scaling constants and the graph itself do not shrink (~0.55-0.65 here)
    expect(fs.statSync(half).size).toBeLessThan(0.7 * fs.statSync(path.join(versionDir(name), m.file)).size);
    const goldenFile = path.join(versionDir(name), 'golden.json');
    const outputName = Object.values(m.outputs)[0];
    const run = runInOnnxruntimeNode(half, goldenFile, m.input, outputName);
    const expected = (readJson<Golden>(goldenFile).outputs[outputName] as (number | number[])[]).flat();
    expect(run.data).toHaveLength(expected.length);
    expect(Math.max(...run.data.map((v, k) => Math.abs(v - expected[k]) / Math.max(1, Math.abs(expected[k]))))).toBeLessThanOrEqual(1e-2);
  }, 30_000);

  it('writes no float16 sibling for the tree ensemble', () => {
    expect(readJson<Metadata>(path.join(versionDir('flow-gbdt'), 'metadata.json')).fp16_ok).toBe(false);
    expect(fs.existsSync(path.join(versionDir('flow-gbdt'), 'model.fp16.onnx'))).toBe(false);
  });

  it('points registry.json at the served roles', () => {
    expect(readJson(path.join(out, 'registry.json'))).toEqual({ classifier: 'flow-gbdt', anomaly: 'flow-ae', shadow: [] });
  });

  it('refuses to overwrite a written version', () => {
    const result = python(['-m', 'models.training.train', '--train', path.join(work, 'train.csv'), '--out', out, '--version', VERSION]);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stderr.trim().split('\n').pop() ?? '{}')).toMatchObject({ code: 'ARTIFACT_EXISTS' });
  }, 60_000);
});
