/**
 * The worker pool's fault scenarios (a worker crashing, hanging, dying on one model), run one per
 * process by worker-pool.faults.int-spec.ts: onnxruntime-node can abort a whole process while a
 * thread holding it is torn down (`terminate called after throwing an instance of
 * 'Napi::Error'`, up to one run in five of these scenarios), and that must cost one scenario's
 * process, not the test runner's. Prints what it observed as one JSON line; asserts nothing.
 *   node dist/libs/inference/src/worker-pool.faults.scenarios.js <scenario>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { WorkerPool } from './worker-pool';

const MODELS = join(repoRoot(), 'libs', 'inference', 'test-models');
const expected = JSON.parse(readFileSync(join(MODELS, 'expected.json'), 'utf8')) as { inputs: number[][]; models: Record<string, { score?: number[] }> };
const rows = expected.inputs.length;
const cols = expected.inputs[0].length;
const input = Float32Array.from(expected.inputs.flat());
const spec = (name: string, output: string) => ({
  key: `${name}@1.0.0`, path: join(MODELS, 'models', name, '1.0.0', 'model.onnx'), executionProviders: ['cpu' as const], input: 'input', outputs: [output],
});

/** Largest difference between the autoencoder's scores and the Python model's. */
async function aeError(pool: WorkerPool, data: Float32Array = input): Promise<number> {
  const out = await pool.run('flow-ae@1.0.0', data, rows, cols);
  const want = expected.models['flow-ae'].score!;
  return Math.max(...want.map((w, i) => Math.abs(out.score.data[i] - w)));
}

export const FAULT_SCENARIOS: Record<string, () => Promise<Record<string, unknown>>> = {
  async 'crash-shared-memory'() {
    const pool = new WorkerPool({ size: 1, testFaults: true });
    await pool.load(spec('flow-ae', 'score'));
    const shared = new Float32Array(new SharedArrayBuffer(input.byteLength));
    shared.set(input);
    pool.crashWorker(0);
    const error = await aeError(pool, shared);
    const restarts = pool.restarts;
    await pool.close();
    return { error, restarts };
  },
  async 'crash'() {
    const reasons: string[] = [];
    const pool = new WorkerPool({ size: 1, testFaults: true, onRestart: (r) => reasons.push(r) });
    await pool.load(spec('flow-ae', 'score'));
    pool.crashWorker(0);
    const error = await aeError(pool);
    const restarts = pool.restarts;
    await pool.close();
    return { error, restarts, reasons };
  },
  async 'hang-during-run'() {
    const pool = new WorkerPool({ size: 1, testFaults: true, runTimeoutMs: 2_000 });
    await pool.load(spec('flow-ae', 'score'));
    pool.hangWorker(0, 20_000);
    const error = await aeError(pool);
    const restarts = pool.restarts;
    await pool.close();
    return { error, restarts };
  },
  async 'dies-on-one-model'() {
    const pool = new WorkerPool({ size: 2, testFaults: true, testCrashOnRun: 'flow-mlp@1.0.0' });
    await pool.load(spec('flow-mlp', 'probabilities'));
    await pool.load(spec('flow-ae', 'score'));
    const failure = await pool.run('flow-mlp@1.0.0', input, rows, cols).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
    const restarts = pool.restarts;
    const error = await aeError(pool);
    await pool.close();
    return { failure, restarts, error };
  },
  async 'hang-while-idle'() {
    const pool = new WorkerPool({ size: 1, testFaults: true, pingIntervalMs: 200, pingTimeoutMs: 1_000 });
    await pool.load(spec('flow-ae', 'score'));
    pool.hangWorker(0, 20_000);
    const end = Date.now() + 8_000;
    while (pool.restarts === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const restarts = pool.restarts;
    const error = await aeError(pool);
    await pool.close();
    return { restarts, error };
  },
};

if (require.main === module) {
  const name = process.argv[2];
  const scenario = FAULT_SCENARIOS[name];
  if (!scenario) {
    process.stderr.write(`unknown scenario ${name} (known: ${Object.keys(FAULT_SCENARIOS).join(', ')})\n`);
    process.exit(2);
  }
  scenario().then((observed) => {
    process.stdout.write(`${JSON.stringify(observed)}\n`);
    process.exit(0);
  }, (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
