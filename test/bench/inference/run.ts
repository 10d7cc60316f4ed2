// The inference benchmark (issue #5, point 5): each model (flow-gbdt, flow-mlp, flow-ae) at batch
// sizes 1..4096 of real feature rows, per core, in four runtimes:
//   node-ort      onnxruntime-node InferenceSession, 1 intra-op / 1 inter-op thread
//   engine        @ids/inference InferenceEngine (1 worker, cache off, maxBatch = batch size)
//   python-ort    Python onnxruntime on the same model.onnx, intra_op_num_threads=1
//   python-model  the original Python model (retrained as models/training does), predict_proba / reconstruction
//
//   node dist/test/bench/inference/run.js [--quick] [--repeat 3] [--seconds 1.5] [--batches 1,32,...]
//                                         [--only node-ort,engine,python-ort,python-model] [--cpu 0] [--out FILE]
//
// Every measuring process is pinned to one CPU (taskset) and stays up for the whole run; the
// parent asks each in turn for one cell (model × batch), so the rounds interleave the runtimes and
// drift hits them alike. No figure is asserted: out/bench/inference-bench.json holds them, with
// the issue's targets beside them (met true/false).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '@ids/contracts';
import { Pinning } from '../reference-tools';
import { figure, si } from '../sample-stats';
import { MODELS, SERVING_SET, parseInferenceBenchArgs, type Runtime } from './inference-bench-args';
import type { LatencySummary } from './latency-stats';
import { LineChild } from './line-child.process';

const TREE_TARGET_ROWS_PER_SECOND = 500_000;
const TREE_TARGET_MIN_BATCH = 1024;
const LATENCY_TARGET_BATCH = 32;
const LATENCY_TARGET_P99_MS = 5;

interface Cell {
  runtime: Runtime;
  model: string;
  batch: number;
  runs: LatencySummary[];
  unavailable: string | null;
}

const TITLES: Record<Runtime, string> = {
  'node-ort': 'onnxruntime-node InferenceSession (intraOpNumThreads 1, interOpNumThreads 1, sequential)',
  engine: '@ids/inference InferenceEngine: poolSize 1, cacheSize 0, maxBatch = batch, maxWaitMs 1; one score() of `batch` vectors per iteration, end to end',
  'python-ort': 'Python onnxruntime InferenceSession (intra_op_num_threads 1, inter_op_num_threads 1, ORT_SEQUENTIAL)',
  'python-model': 'the Python model (LightGBM / scikit-learn) retrained with models/training, its predict_proba / reconstruction score',
};

const log = (line: string) => console.log(line);

function git(root: string, args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function main(): Promise<void> {
  const args = parseInferenceBenchArgs(process.argv.slice(2));
  const started = new Date();
  const loadStart = loadavg();
  const t0 = process.hrtime.bigint();
  const cwd = process.cwd();
  const root = repoRoot();
  process.chdir(root);
  const rel = (p: string) => relative(root, p) || '.';
  const csvs = ['out/datasets/holdout.csv', 'out/datasets/train.csv'];
  for (const c of csvs) if (!existsSync(c)) throw new Error(`${c} not found: make datasets writes it`);
  const pin = new Pinning(args.cpu);
  // BLAS under numpy/scikit-learn would start a thread per core; one CPU is what is measured
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', UV_THREADPOOL_SIZE: '1' };
  const wants = (r: Runtime) => args.only.includes(r);
  const childJs = join(__dirname, 'inference-child.js');
  const csvArgs = csvs.flatMap((c) => ['--csv', c]);
  const python = join(root, '.local', 'venv', 'bin', 'python');
  const pythonScript = join(root, 'test', 'bench', 'inference', 'inference-reference.py');
  const children = new Map<string, LineChild>();
  const start = (name: string, command: string, argv: string[]) => {
    const [cmd, a] = pin.argv(command, argv);
    children.set(name, new LineChild(name, cmd, a, env));
  };
  if (wants('node-ort')) start('node-ort', process.execPath, [childJs, 'ort', '--models', 'models', ...csvArgs]);
  if (wants('engine')) start('engine', process.execPath, [childJs, 'engine', '--models', 'models', ...csvArgs]);
  if (wants('python-ort') || wants('python-model')) {
    log(args.quick ? 'python: loading (--quick: the retrained models only from the fit cache)' : 'python: loading and retraining the Python models (about 40 s on one core, or the fit cache)');
    start('python', python, [pythonScript, '--train', csvs[1], '--holdout', csvs[0], '--models', 'models', '--fit-cache', args.fitCache, ...(args.quick ? ['--no-fit'] : [])]);
  }
  const ready: Record<string, Record<string, unknown>> = {};
  for (const [name, c] of children) ready[name] = await c.ready;
  const retrain = (ready.python?.retrain ?? null) as Record<string, unknown> | null;
  const childOf = (r: Runtime) => children.get(r.startsWith('python') ? 'python' : r)!;

  const cells: Cell[] = [];
  for (const model of MODELS) {
    for (const batch of args.batches) {
      for (const runtime of ['node-ort', 'engine', 'python-ort', 'python-model'] as Runtime[]) {
        if (!wants(runtime) || (runtime === 'engine' && !args.engineBatches.includes(batch))) continue;
        const unavailable = runtime === 'python-model' && retrain?.skipped ? String(retrain.skipped) : null;
        cells.push({ runtime, model, batch, runs: [], unavailable });
      }
    }
  }
  if (wants('engine')) {
    for (const batch of args.engineBatches.filter((b) => b === 32 || b === 1024)) cells.push({ runtime: 'engine', model: SERVING_SET, batch, runs: [], unavailable: null });
  }

  for (let round = 1; round <= args.repeat; round++) {
    // rotate which runtime goes first in a cell, so none always runs right after another's
    const order = (c: Cell) => (['node-ort', 'engine', 'python-ort', 'python-model'].indexOf(c.runtime) + round) % 4;
    const sorted = [...cells].sort((a, b) => MODELS.indexOf(a.model as never) - MODELS.indexOf(b.model as never) || a.batch - b.batch || order(a) - order(b));
    for (const cell of sorted) {
      if (cell.unavailable !== null) continue;
      const answer = await childOf(cell.runtime).ask<LatencySummary & { error?: string }>({
        runtime: cell.runtime, model: cell.model, batch: cell.batch, seconds: args.seconds, minIterations: args.minIterations,
      });
      if (answer.error !== undefined) {
        cell.unavailable = `round ${round}: ${answer.error}`;
        cell.runs = [];
        log(`${cell.runtime} ${cell.model} ${cell.batch}: not measured: ${answer.error}`);
        continue;
      }
      cell.runs.push(answer);
      log(`round ${round}/${args.repeat}  ${cell.model.padEnd(11)} ${String(cell.batch).padStart(5)}  ${cell.runtime.padEnd(12)} ${si(answer.rows / answer.seconds).padStart(7)} rows/s  p50 ${answer.p50_ms.toFixed(3)} ms  p99 ${answer.p99_ms.toFixed(3)} ms  (${answer.iterations} batches)`);
    }
  }
  for (const c of children.values()) await c.close();

  const find = (runtime: Runtime, model: string, batch: number) => cells.find((c) => c.runtime === runtime && c.model === model && c.batch === batch && c.runs.length > 0);
  const figures = (c: Cell) => ({
    rowsPerSecond: figure('rows/s', c.runs.map((r) => r.rows / r.seconds)),
    p50_ms: figure('ms', c.runs.map((r) => r.p50_ms)),
    p99_ms: figure('ms', c.runs.map((r) => r.p99_ms)),
    // batch / p50: the rate of a typical batch, less moved than rows/s by other work's stalls on a shared CPU
    rowsPerSecondAtP50: figure('rows/s', c.runs.map((r) => (r.rows / r.iterations) / (r.p50_ms / 1e3))),
    // rows over the CPU time of the measuring process (all its threads): per core, other work's share left out
    ...(c.runs.every((r) => r.cpu_seconds !== undefined) ? { rowsPerCpuSecond: figure('rows/s', c.runs.map((r) => r.rows / r.cpu_seconds!)) } : {}),
  });
  const results = cells.map((c) => {
    const base = find('node-ort', c.model, c.batch);
    const paired = c.runtime !== 'node-ort' && base !== undefined && base.runs.length === c.runs.length && c.runs.length > 0;
    return {
      model: c.model, batch: c.batch, runtime: c.runtime, unavailable: c.unavailable,
      ...(c.runs.length > 0 ? { ...figures(c), iterations: c.runs.map((r) => r.iterations) } : {}),
      ...(paired ? {
        vsNodeOrt: {
          rowsPerSecondRatio: figure('×', c.runs.map((r, i) => (r.rows / r.seconds) / (base.runs[i].rows / base.runs[i].seconds))),
          p50ExtraMs: figure('ms', c.runs.map((r, i) => r.p50_ms - base.runs[i].p50_ms)),
          ...(c.runs.every((r, i) => r.cpu_seconds !== undefined && base.runs[i].cpu_seconds !== undefined) ? {
            rowsPerCpuSecondRatio: figure('×', c.runs.map((r, i) => (r.rows / r.cpu_seconds!) / (base.runs[i].rows / base.runs[i].cpu_seconds!))),
          } : {}),
          meaning: `rows/s (and rows per CPU second) of ${c.runtime} over node-ort's, and its p50 less node-ort's, in the same round`,
        },
      } : {}),
      runs: c.runs,
    };
  });
  const med = (c: Cell | undefined, f: 'rowsPerSecond' | 'p50_ms' | 'p99_ms') => (c === undefined ? null : figures(c)[f].median);
  const treeChecks = (['node-ort', 'engine'] as Runtime[]).flatMap((runtime) => args.batches.filter((b) => b >= TREE_TARGET_MIN_BATCH).flatMap((batch) => {
    const v = med(find(runtime, 'flow-gbdt', batch), 'rowsPerSecond');
    return v === null ? [] : [{ runtime, model: 'flow-gbdt', batch, rowsPerSecond: v, met: v >= TREE_TARGET_ROWS_PER_SECOND }];
  }));
  const latencyChecks = (['node-ort', 'engine'] as Runtime[]).flatMap((runtime) => [...MODELS, SERVING_SET].flatMap((model) => {
    const v = med(find(runtime, model, LATENCY_TARGET_BATCH), 'p99_ms');
    return v === null ? [] : [{ runtime, model, batch: LATENCY_TARGET_BATCH, p99_ms: v, met: v < LATENCY_TARGET_P99_MS }];
  }));
  const targets = [
    {
      id: 'tree-ensemble-throughput',
      target: `>= ${TREE_TARGET_ROWS_PER_SECOND} rows/s per core for the tree ensemble (flow-gbdt) at large batches (>= ${TREE_TARGET_MIN_BATCH} rows)`,
      checks: treeChecks,
      met: treeChecks.length > 0 ? treeChecks.every((c) => c.met) : null,
      rule: 'met when every measured check (median over rounds) reaches the target',
    },
    {
      id: 'batch-32-p99',
      target: `p99 < ${LATENCY_TARGET_P99_MS} ms for a ${LATENCY_TARGET_BATCH}-row batch`,
      checks: latencyChecks,
      met: latencyChecks.length > 0 ? latencyChecks.every((c) => c.met) : null,
      rule: 'met when every measured check (median of the per-round p99s) is under the target',
    },
  ];
  const cpu = cpus()[0];
  const report = {
    schema: 'hybrid-ids/bench/inference-bench/1',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    totalSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
    command: `node ${rel(__filename)} ${process.argv.slice(2).join(' ')}`.trim(),
    git: { commit: git(root, ['rev-parse', 'HEAD']), dirty: (git(root, ['status', '--porcelain']) ?? '') !== '' },
    machine: {
      cpuModel: cpu?.model ?? null,
      cores: cpus().length,
      pinnedToCpu: pin.cpu,
      pinning: pin.cpu === null ? 'none (taskset not found): figures are not per core' : `taskset -c ${pin.cpu}: each measuring process (all its threads, the engine's worker included) on one CPU`,
      kernel: release(),
      memoryBytes: totalmem(),
      loadAverage: { note: '1, 5 and 15 min load averages; above the core count, other work shared the CPUs', start: loadStart, end: loadavg() },
    },
    versions: {
      node: process.version,
      onnxruntimeNode: ready['node-ort']?.onnxruntimeNode ?? ready.engine?.onnxruntimeNode ?? null,
      python: ready.python?.python ?? null,
      onnxruntimePython: ready.python?.onnxruntime ?? null,
      lightgbm: ready.python?.lightgbm ?? null,
      scikitLearn: ready.python?.sklearn ?? null,
      numpy: ready.python?.numpy ?? null,
      models: ready.python?.versions ?? null,
    },
    data: {
      files: csvs,
      rows: ready['node-ort']?.rows ?? ready.engine?.rows ?? ready.python?.rows ?? null,
      features: ready['node-ort']?.features ?? ready.engine?.features ?? ready.python?.features ?? null,
      batches: 'float32 rows, holdout then train; 8 distinct batches per cell, batch k starting at row (k * size) mod (rows - size + 1), cycled',
    },
    method: {
      runtimes: TITLES,
      repeat: args.repeat,
      secondsPerCell: args.seconds,
      minIterations: args.minIterations,
      order: 'per round: model, batch size, then each runtime (first runtime rotated per round); one untimed warm-up batch per cell',
      latency: 'per batch, from the call to the resolved result (Node: process.hrtime.bigint; Python: time.perf_counter); p50/p99 by linear interpolation (numpy default); rows/s = rows / sum of batch latencies',
      cpu: 'Node runtimes: rowsPerCpuSecond = rows / (user + system CPU time of the measuring process, every thread, over the timed batches): the per-core rate with other work on the shared CPU left out',
      engineCache: 'the engine runs with cacheSize 0 and the child refuses any result marked cached: every vector of every timed batch went through the model',
      servingSet: `${SERVING_SET}: the engine on the committed models/registry.json (classifier, anomaly model and shadow run on every batch)`,
    },
    pythonModels: retrain,
    targets,
    results,
  };
  const out = resolve(cwd, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');

  const cellText = (c: Cell | undefined) => {
    if (c === undefined) return '';
    const f = figures(c);
    return `${si(f.rowsPerSecond.median)} (${f.p50_ms.median.toFixed(2)} / ${f.p99_ms.median.toFixed(2)})`;
  };
  log('');
  log(`load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (${cpus().length} CPUs); ${report.machine.cpuModel}, ${report.machine.pinning}`);
  log(`node ${process.version}, onnxruntime-node ${String(report.versions.onnxruntimeNode)}, Python onnxruntime ${String(report.versions.onnxruntimePython)}; median of ${args.repeat} round(s); rows/s (p50 / p99 ms per batch)`);
  log('');
  log('| model | batch | onnxruntime-node | InferenceEngine | engine / ort rows/s | engine / ort rows per CPU s | Python onnxruntime | Python model |');
  log('|---|---|---|---|---|---|---|---|');
  for (const model of [...MODELS, SERVING_SET]) {
    for (const batch of args.batches) {
      const row = (['node-ort', 'engine', 'python-ort', 'python-model'] as Runtime[]).map((r) => find(r, model, batch));
      if (row.every((c) => c === undefined)) continue;
      const paired = results.find((r) => r.runtime === 'engine' && r.model === model && r.batch === batch)?.vsNodeOrt;
      const times = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(2)}×`);
      log(`| ${model} | ${batch} | ${cellText(row[0])} | ${cellText(row[1])} | ${times(paired?.rowsPerSecondRatio.median)} | ${times(paired?.rowsPerCpuSecondRatio?.median)} | ${cellText(row[2])} | ${cellText(row[3])} |`);
    }
  }
  log('');
  for (const t of targets) {
    log(`target ${t.target}: ${t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'}`);
    for (const c of t.checks) log(`  ${c.runtime} ${c.model} batch ${c.batch}: ${'rowsPerSecond' in c ? `${si(c.rowsPerSecond)} rows/s` : `p99 ${c.p99_ms.toFixed(2)} ms`} ${c.met ? 'met' : 'not met'}`);
  }
  const missing = new Map<string, string[]>();
  for (const c of cells.filter((x) => x.unavailable !== null)) missing.set(`${c.runtime}: ${c.unavailable}`, [...(missing.get(`${c.runtime}: ${c.unavailable}`) ?? []), `${c.model} ${c.batch}`]);
  for (const [why, which] of missing) log(`not measured: ${why} (${which.join(', ')})`);
  if (retrain?.goldenMaxAbsDiff) log(`Python models retrained (${retrain.fromCache ? `from ${String(retrain.fromCache)}` : 'this run'}); max abs diff to the committed golden.json outputs: ${JSON.stringify(retrain.goldenMaxAbsDiff)}`);
  log(`wrote ${rel(out)} in ${report.totalSeconds.toFixed(0)} s`);
}

main().catch((err: unknown) => {
  console.error(`inference bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
