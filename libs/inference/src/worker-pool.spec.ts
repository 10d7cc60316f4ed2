import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceRunError, ModelLoadError } from './inference.errors';
import { WorkerPool } from './worker-pool';
import type { SessionSpec } from './worker-protocol';

const MODELS = join(__dirname, '..', 'test-models', 'models');
const expected = JSON.parse(readFileSync(join(__dirname, '..', 'test-models', 'expected.json'), 'utf8')) as {
  inputs: number[][];
  models: Record<string, { probabilities?: number[][]; score?: number[] }>;
};
const rows = expected.inputs.length;
const cols = expected.inputs[0].length;
const input = Float32Array.from(expected.inputs.flat());

const spec = (name: string, output: string): SessionSpec => ({
  key: `${name}@1.0.0`, path: join(MODELS, name, '1.0.0', 'model.onnx'), executionProviders: ['cpu'], input: 'input', outputs: [output],
});

function expectClose(actual: Float32Array, want: number[]): void {
  expect(actual).toHaveLength(want.length);
  const worst = Math.max(...want.map((w, i) => Math.abs(actual[i] - w)));
  expect(worst).toBeLessThan(1e-5);
}

// real worker threads and sessions on a shared 2-core machine: generous, never asserted on
jest.setTimeout(30_000);

describe('WorkerPool (real onnxruntime-node)', () => {
  let pool: WorkerPool;
  afterEach(async () => { await pool?.close(); });

  it.each([
    ['flow-gbdt', 'probabilities', [rows, 3]],
    ['flow-mlp', 'probabilities', [rows, 3]],
    ['flow-ae', 'score', [rows]],
  ])('%s gives the outputs the Python model gave, within 1e-5', async (name, output, dims) => {
    pool = new WorkerPool({ size: 1 });
    await pool.load(spec(name, output));
    const out = await pool.run(`${name}@1.0.0`, input, rows, cols);
    expect(out[output].dims).toEqual(dims);
    const want = expected.models[name][output as 'probabilities' | 'score']!;
    expectClose(out[output].data, want.flat());
  });

  it('keeps the caller\'s input buffer (a copy crosses the thread)', async () => {
    pool = new WorkerPool({ size: 1 });
    await pool.load(spec('flow-ae', 'score'));
    const data = input.slice();
    await pool.run('flow-ae@1.0.0', data, rows, cols);
    expect(data.byteLength).toBe(input.byteLength);
    expect(Array.from(data)).toEqual(Array.from(input));
  });

  it('reads a batch in shared memory in place: same outputs, nothing copied back or detached', async () => {
    pool = new WorkerPool({ size: 1 });
    await pool.load(spec('flow-mlp', 'probabilities'));
    await pool.load(spec('flow-ae', 'score'));
    // a view shorter than its buffer, as BatchInputPool hands out for a partial batch
    const shared = new Float32Array(new SharedArrayBuffer((input.length + 3 * cols) * 4), 0, input.length);
    shared.set(input);
    const [mlp, ae] = await Promise.all([pool.run('flow-mlp@1.0.0', shared, rows, cols), pool.run('flow-ae@1.0.0', shared, rows, cols)]);
    expectClose(mlp.probabilities.data, expected.models['flow-mlp'].probabilities!.flat());
    expectClose(ae.score.data, expected.models['flow-ae'].score!);
    expect(shared.buffer.byteLength).toBe((input.length + 3 * cols) * 4);
    expect(Array.from(shared)).toEqual(Array.from(input));
  });

  // Crashes and hangs: worker-pool.faults.int-spec.ts, one process per scenario.

  it('spreads concurrent batches over the workers', async () => {
    pool = new WorkerPool({ size: 2 });
    await pool.load(spec('flow-gbdt', 'probabilities'));
    const running = [pool.run('flow-gbdt@1.0.0', input, rows, cols), pool.run('flow-gbdt@1.0.0', input, rows, cols)];
    // Microtasks only: a worker's reply is a message event (a macrotask), so no run can finish
    // before the check, however fast the machine is (setImmediate let one through under load).
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(pool.busy).toEqual([1, 1]);
    await Promise.all(running);
  });

  it('refuses a model file ONNX Runtime cannot read, naming the file', async () => {
    pool = new WorkerPool({ size: 1 });
    const bad = { ...spec('flow-ae', 'score'), key: 'bad@1.0.0', path: join(MODELS, 'flow-ae', '1.0.0', 'metadata.json') };
    const err = await pool.load(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe(bad.path);
  });

  it('refuses a model whose metadata names an output it does not have', async () => {
    pool = new WorkerPool({ size: 1 });
    await expect(pool.load({ ...spec('flow-ae', 'nope') })).rejects.toThrow('output(s) nope not in the model');
  });

  it('fails a run with the wrong width as a run error, not a worker failure', async () => {
    pool = new WorkerPool({ size: 1 });
    await pool.load(spec('flow-ae', 'score'));
    await expect(pool.run('flow-ae@1.0.0', new Float32Array(5), 1, 5)).rejects.toBeInstanceOf(InferenceRunError);
    expect(pool.restarts).toBe(0);
  });
});
