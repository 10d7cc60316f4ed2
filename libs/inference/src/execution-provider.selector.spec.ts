import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detectProviderLibraries, fp16FileName, onnxruntimeBinDir, placeModel, selectExecutionProvider,
  type GpuProvider, type ProviderLibraries, type ProviderSelection,
} from './execution-provider.selector';
import { parseModelMetadata } from './model-metadata';

const libs = (over: Partial<ProviderLibraries>): ProviderLibraries => ({ binDir: '/bin/x64', shared: false, cuda: false, tensorrt: false, ...over });
const allLibs = libs({ shared: true, cuda: true, tensorrt: true });
const probeOk = async (): Promise<string | null> => null;
const probeOnly = (works: GpuProvider) => async (p: GpuProvider): Promise<string | null> => (p === works ? null : `${p}: libcudnn.so.9 not found`);

describe('selectExecutionProvider', () => {
  it.each([
    ['cpu preference never probes', 'cpu', allLibs, probeOk, 'cpu', 'preference is cpu'],
    ['auto, no provider libraries (the CPU build)', 'auto', libs({}), probeOk, 'cpu', 'libonnxruntime_providers_shared.so, libonnxruntime_providers_tensorrt.so, libonnxruntime_providers_cuda.so not found'],
    ['auto, everything loads: TensorRT first', 'auto', allLibs, probeOk, 'tensorrt', 'tensorrt libraries present'],
    ['auto, TensorRT session fails: CUDA', 'auto', allLibs, probeOnly('cuda'), 'cuda', 'cuda libraries present'],
    ['auto, CUDA libraries only', 'auto', libs({ shared: true, cuda: true }), probeOk, 'cuda', 'cuda libraries present'],
    ['cuda wanted, libraries there but the session fails', 'cuda', allLibs, probeOnly('tensorrt'), 'cpu', 'cuda: session creation failed: cuda: libcudnn.so.9 not found'],
    ['tensorrt wanted, no shared library', 'tensorrt', libs({ cuda: true, tensorrt: true }), probeOk, 'cpu', 'libonnxruntime_providers_shared.so not found'],
    ['libraries but no tensor model to probe with', 'auto', allLibs, null, 'cpu', 'no tensor-operator model'],
  ] as const)('%s', async (_name, preference, available, probe, provider, reason) => {
    const chosen = await selectExecutionProvider(preference, available, probe);
    expect(chosen.provider).toBe(provider);
    expect(chosen.reason).toContain(reason);
  });
});

describe('placeModel', () => {
  const gpu: ProviderSelection = { provider: 'cuda', reason: 'cuda ok' };
  const trt: ProviderSelection = { provider: 'tensorrt', reason: 'trt ok' };
  const cpu: ProviderSelection = { provider: 'cpu', reason: 'no gpu' };
  const model = (operators: 'tensor' | 'tree-ensemble', fp16_ok = false) => ({ name: 'm', operators, fp16_ok, file: 'model.onnx' });

  it.each([
    ['tree ensemble on a GPU machine stays on CPU', gpu, model('tree-ensemble'), false, 'cpu', ['cpu'], 'model.onnx', 'no cuda kernels'],
    ['tensor model on CUDA, CPU as ORT fallback', gpu, model('tensor'), false, 'cuda', ['cuda', 'cpu'], 'model.onnx', 'fp16 off: fp16_ok is false'],
    ['tensor model on TensorRT', trt, model('tensor'), false, 'tensorrt', ['tensorrt', 'cuda', 'cpu'], 'model.onnx', 'trt ok'],
    ['fp16_ok with its fp16 sibling file', gpu, model('tensor', true), true, 'cuda', ['cuda', 'cpu'], 'model.fp16.onnx', 'fp16 on'],
    ['fp16_ok without the sibling file', gpu, model('tensor', true), false, 'cuda', ['cuda', 'cpu'], 'model.onnx', 'no model.fp16.onnx'],
    ['fp16_ok on CPU: float32', cpu, model('tensor', true), true, 'cpu', ['cpu'], 'model.onnx', 'no gpu'],
  ] as const)('%s', (_name, selection, m, fp16FileThere, provider, eps, file, reason) => {
    const placed = placeModel(selection, m, () => fp16FileThere);
    expect([placed.provider, placed.executionProviders, placed.file, placed.fp16]).toEqual([provider, eps, file, file.includes('fp16')]);
    expect(placed.reason).toContain(reason);
  });

  it('names the fp16 sibling after the model file', () => {
    expect(fp16FileName('flow-mlp.onnx')).toBe('flow-mlp.fp16.onnx');
  });
});

// Runs in a child node process: inside jest's sandbox onnxruntime-node's native outputs are
// Float32Arrays of another realm, which onnxruntime-common's \`instanceof\` check rejects.
const ORT_CPU_RUN = `
const ort = require('onnxruntime-node');
const [model, rows, input, output] = process.argv.slice(1);
(async () => {
  const x = JSON.parse(rows);
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], logSeverityLevel: 4 });
  const result = (await session.run({ [input]: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, x[0].length]) }))[output];
  process.stdout.write(JSON.stringify({ type: result.type, data: Array.from(result.data) }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the committed float16 siblings (models/<name>/2.0.0/model.fp16.onnx)', () => {
  const gpu: ProviderSelection = { provider: 'cuda', reason: 'cuda ok' };

  // No GPU here: the file placeModel picks for CUDA is opened on the CPU provider, which runs float16
  // nodes it has no kernel for in float32; the tolerance itself is checked in models/training/fp16.py.
  it.each(['flow-mlp', 'flow-ae'])('%s: placed on a GPU the sibling is chosen, and ONNX Runtime opens and runs it on CPU', (name) => {
    const dir = join(__dirname, '..', '..', '..', 'models', name, '2.0.0');
    const meta = parseModelMetadata(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')), 'metadata.json');
    const placed = placeModel(gpu, meta, (f) => existsSync(join(dir, f)));
    expect([placed.file, placed.fp16]).toEqual(['model.fp16.onnx', true]);
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { rows: number[][]; outputs: Record<string, number[] | number[][]> };
    const output = (meta.outputs.probabilities ?? meta.outputs.score) as string;
    const child = spawnSync(process.execPath, ['-e', ORT_CPU_RUN, join(dir, placed.file), JSON.stringify(golden.rows), meta.input, output], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    const got = JSON.parse(child.stdout) as { type: string; data: number[] };
    const want = golden.outputs[output].flat();
    expect([got.type, got.data.length]).toEqual(['float32', want.length]);
    const scale = meta.role === 'anomaly' ? (v: number): number => Math.max(1, Math.abs(v)) : (): number => 1;
    expect(Math.max(...got.data.map((v, i) => Math.abs(v - want[i]) / scale(want[i])))).toBeLessThanOrEqual(0.01);
  });
});

describe('detectProviderLibraries', () => {
  it('finds the provider libraries by file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ort-bin-'));
    try {
      writeFileSync(join(dir, 'libonnxruntime_providers_shared.so'), '');
      writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '');
      expect(detectProviderLibraries(dir)).toEqual({ binDir: dir, shared: true, cuda: true, tensorrt: false });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('locates the binding directory of the installed onnxruntime-node', () => {
    expect(onnxruntimeBinDir()).toMatch(/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64$/);
  });
});
