import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detectProviderLibraries, fp16FileName, onnxruntimeBinDir, placeModel, selectExecutionProvider,
  type GpuProvider, type ProviderLibraries, type ProviderSelection,
} from './execution-provider.selector';

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
