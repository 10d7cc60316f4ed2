import type { ProviderName } from './execution-provider.selector';

/** What a worker needs to open one session; `key` is name@version. */
export interface SessionSpec {
  key: string;
  path: string;
  executionProviders: ProviderName[];
  input: string;
  outputs: string[];
}

export interface OutputTensor {
  data: Float32Array;
  dims: number[];
}

export type WorkerRequest =
  | { type: 'load'; id: number; spec: SessionSpec }
  | { type: 'unload'; id: number; key: string }
  /** `data` is row-major [rows, cols]; over a SharedArrayBuffer it is read in place, else its buffer is transferred. */
  | { type: 'run'; id: number; key: string; data: Float32Array; rows: number; cols: number }
  | { type: 'ping'; id: number }
  /** Fault injection for tests, honoured only when the pool was started with testFaults. */
  | { type: 'crash'; id: number }
  | { type: 'hang'; id: number; ms: number };

export type WorkerReply =
  | { type: 'loaded'; id: number; inputNames: string[]; outputNames: string[] }
  | { type: 'unloaded'; id: number }
  | { type: 'result'; id: number; outputs: Record<string, OutputTensor> }
  | { type: 'pong'; id: number }
  | { type: 'error'; id: number; kind: 'load' | 'run' | 'protocol'; message: string };

export interface WorkerBootData {
  entry: string;
  testFaults: boolean;
  /** Test fault: every worker exits when asked to run this model key. */
  crashOnRun: string | null;
}
