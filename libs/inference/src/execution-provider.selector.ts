import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelOperators } from './model-metadata';

export type ProviderPreference = 'auto' | 'cpu' | 'cuda' | 'tensorrt';
export type ProviderName = 'cpu' | 'cuda' | 'tensorrt';
export type GpuProvider = Exclude<ProviderName, 'cpu'>;

/** Which of onnxruntime-node's optional provider libraries sit next to its binding. */
export interface ProviderLibraries {
  binDir: string | null;
  shared: boolean;
  cuda: boolean;
  tensorrt: boolean;
}

/** The process-wide decision: the best provider this machine can run, and why. */
export interface ProviderSelection {
  provider: ProviderName;
  reason: string;
}

/** Where one model runs: the selection narrowed by what the model's operators allow. */
export interface ModelPlacement {
  provider: ProviderName;
  /** The provider list handed to InferenceSession.create, best first, CPU last as ORT's fallback. */
  executionProviders: ProviderName[];
  /** The .onnx file to load: the float16 sibling when it is used. */
  file: string;
  fp16: boolean;
  reason: string;
}

/** Tries to create a session on a GPU provider; resolves null when it works, else the reason. */
export type ProviderProbe = (provider: GpuProvider) => Promise<string | null>;

const LIBRARY = { shared: 'libonnxruntime_providers_shared.so', cuda: 'libonnxruntime_providers_cuda.so', tensorrt: 'libonnxruntime_providers_tensorrt.so' };

/** node_modules/onnxruntime-node/bin/napi-v*\/linux/x64, where the binding loads provider libraries from. */
export function onnxruntimeBinDir(): string | null {
  let pkg: string;
  try {
    pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
  const bin = join(pkg, 'bin');
  if (!existsSync(bin)) return null;
  const napi = readdirSync(bin).filter((d) => d.startsWith('napi-v')).sort().reverse();
  for (const d of napi) {
    const dir = join(bin, d, process.platform, process.arch);
    if (existsSync(dir)) return dir;
  }
  return null;
}

export function detectProviderLibraries(binDir: string | null = onnxruntimeBinDir()): ProviderLibraries {
  const has = (file: string): boolean => binDir !== null && existsSync(join(binDir, file));
  return { binDir, shared: has(LIBRARY.shared), cuda: has(LIBRARY.cuda), tensorrt: has(LIBRARY.tensorrt) };
}

function missing(libs: ProviderLibraries, provider: GpuProvider): string | null {
  const need = provider === 'tensorrt' ? [LIBRARY.shared, LIBRARY.tensorrt, LIBRARY.cuda] : [LIBRARY.shared, LIBRARY.cuda];
  const absent = need.filter((f) => !((f === LIBRARY.shared && libs.shared) || (f === LIBRARY.cuda && libs.cuda) || (f === LIBRARY.tensorrt && libs.tensorrt)));
  return absent.length === 0 ? null : `${absent.join(', ')} not found in ${libs.binDir ?? 'onnxruntime-node (package not resolved)'}`;
}

/**
 * Picks the provider: file presence first (cheap, and the usual answer on a CPU build), then a real
 * session on the provider, because the libraries can be present while CUDA, cuDNN or the driver
 * are missing from the loader path. Every fallback keeps the reason so it can be logged and exposed.
 */
export async function selectExecutionProvider(preference: ProviderPreference, libs: ProviderLibraries, probe: ProviderProbe | null): Promise<ProviderSelection> {
  if (preference === 'cpu') return { provider: 'cpu', reason: 'preference is cpu' };
  const candidates: GpuProvider[] = preference === 'auto' ? ['tensorrt', 'cuda'] : [preference];
  const reasons: string[] = [];
  for (const provider of candidates) {
    const absent = missing(libs, provider);
    if (absent) {
      reasons.push(`${provider}: ${absent}`);
      continue;
    }
    if (!probe) {
      reasons.push(`${provider}: libraries present but no tensor-operator model to try a session with`);
      continue;
    }
    const failure = await probe(provider);
    if (failure === null) return { provider, reason: `${provider} libraries present and a session was created (preference ${preference})` };
    reasons.push(`${provider}: session creation failed: ${failure}`);
  }
  return { provider: 'cpu', reason: `fell back to cpu (preference ${preference}); ${reasons.join('; ')}` };
}

export function fp16FileName(file: string): string {
  return file.replace(/\.onnx$/, '') + '.fp16.onnx';
}

/**
 * Narrows the selection for one model. TreeEnsemble (ONNX ML) has no CUDA kernel, so a
 * tree-ensemble model on a GPU provider would run on CPU anyway after host/device copies: it is
 * placed on CPU outright. fp16 is used only as a float16 sibling file (`model.fp16.onnx`, float32
 * inputs and outputs kept) that the training pipeline writes when `fp16_ok`: converting the graph
 * here would be untested by the tolerance check that set `fp16_ok`.
 */
export function placeModel(
  selection: ProviderSelection,
  model: { name: string; operators: ModelOperators; fp16_ok: boolean; file: string },
  fileExists: (file: string) => boolean,
): ModelPlacement {
  if (model.operators === 'tree-ensemble') {
    const reason = selection.provider === 'cpu' ? selection.reason : `tree-ensemble operators have no ${selection.provider} kernels in ONNX Runtime: runs on cpu`;
    return { provider: 'cpu', executionProviders: ['cpu'], file: model.file, fp16: false, reason };
  }
  if (selection.provider === 'cpu') return { provider: 'cpu', executionProviders: ['cpu'], file: model.file, fp16: false, reason: selection.reason };
  const executionProviders: ProviderName[] = selection.provider === 'tensorrt' ? ['tensorrt', 'cuda', 'cpu'] : ['cuda', 'cpu'];
  let fp16 = false;
  let file = model.file;
  let fp16Note = 'fp16 off: fp16_ok is false';
  if (model.fp16_ok) {
    if (fileExists(fp16FileName(model.file))) {
      fp16 = true;
      file = fp16FileName(model.file);
      fp16Note = `fp16 on: ${file}`;
    } else {
      fp16Note = `fp16 off: fp16_ok but no ${fp16FileName(model.file)} beside the model`;
    }
  }
  return { provider: selection.provider, executionProviders, file, fp16, reason: `${selection.reason}; ${fp16Note}` };
}
