import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// The worker pool under faults, with real onnxruntime-node worker threads, each scenario in a
// process of its own (worker-pool.faults.scenarios.ts says why): a scenario whose process
// onnxruntime-node aborted while tearing a thread down is run again, at most 6 times, and the
// aborts are printed. Runs the compiled scenarios (`npm run build`, as make test does).
const SCENARIOS = join(repoRoot(), 'dist', 'libs', 'inference', 'src', 'worker-pool.faults.scenarios.js');
const ORT_ABORT = "terminate called after throwing an instance of 'Napi::Error'";

function observe(scenario: string): Record<string, unknown> {
  if (!existsSync(SCENARIOS)) throw new Error(`${SCENARIOS} is missing: run 'npm run build' first`);
  const aborts: string[] = [];
  for (let attempt = 1; attempt <= 6; attempt++) {
    const r = spawnSync(process.execPath, [SCENARIOS, scenario], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      if (aborts.length > 0) console.warn(`${scenario}: onnxruntime-node aborted ${aborts.length} attempt(s) before this one`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    }
    if (r.signal === 'SIGABRT' && r.stderr.includes(ORT_ABORT)) {
      aborts.push(`attempt ${attempt}`);
      continue;
    }
    throw new Error(`${scenario}: exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  }
  throw new Error(`${scenario}: onnxruntime-node aborted all 6 attempts`);
}

describe('WorkerPool under faults (real onnxruntime-node, one process per scenario)', () => {
  it('retries a shared-memory batch whose worker crashed from the same memory', () => {
    const o = observe('crash-shared-memory');
    expect(o.error).toBeLessThan(1e-5);
    expect(o.restarts).toBe(1);
  });

  it('replaces a crashed worker and still answers the batch sent to it', () => {
    const o = observe('crash');
    expect(o.error).toBeLessThan(1e-5);
    expect(o.restarts).toBe(1);
    expect((o.reasons as string[])[0]).toContain('exited with code 70');
  });

  it('replaces a hung worker (no answer within the timeout) and retries the batch on the new one', () => {
    const o = observe('hang-during-run');
    expect(o.error).toBeLessThan(1e-5);
    expect(o.restarts).toBe(1);
  });

  it('fails a batch that kills its worker twice, after one retry, and keeps serving other models', () => {
    const o = observe('dies-on-one-model');
    expect(o.failure).toEqual({ name: 'InferenceWorkerError', message: expect.stringContaining('failed on two workers') });
    expect(o.restarts).toBe(2);
    expect(o.error).toBeLessThan(1e-5);
  });

  it('finds a hung idle worker by its missed ping', () => {
    const o = observe('hang-while-idle');
    expect(o.restarts).toBe(1);
    expect(o.error).toBeLessThan(1e-5);
  });
});
