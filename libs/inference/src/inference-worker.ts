/**
 * Entry of one pool worker thread: holds its own InferenceSessions (ONNX Runtime sessions are not
 * shared across threads) and answers the parent's requests. Imports only onnxruntime-node and
 * node built-ins so it loads fast and the TypeScript hook in worker-pool stays trivial.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { OutputTensor, SessionSpec, WorkerBootData, WorkerReply, WorkerRequest } from './worker-protocol';

interface Loaded {
  session: ort.InferenceSession;
  spec: SessionSpec;
}

const boot = workerData as WorkerBootData;
const sessions = new Map<string, Loaded>();
const port = parentPort!;
let runs: Promise<void> = Promise.resolve();

/**
 * Ends this thread with `code` after releasing its sessions. A thread that exits with ONNX Runtime
 * sessions alive runs their native finalizers during its teardown, and onnxruntime-node can then
 * throw (a Napi::Error nobody catches) and abort the whole process, pool and stage included: the
 * pool could not replace a crashed worker, the process would be gone.
 */
function die(code: number): void {
  const open = [...sessions.values()];
  sessions.clear();
  void Promise.allSettled(open.map((l) => l.session.release())).finally(() => process.exit(code));
}

// An error nothing else caught still ends the thread (the pool replaces it), but cleanly.
process.on('uncaughtException', () => die(70));
process.on('unhandledRejection', () => die(70));

function reply(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function load(id: number, spec: SessionSpec): Promise<void> {
  const session = await ort.InferenceSession.create(spec.path, {
    executionProviders: spec.executionProviders,
    // warnings such as "expected shape {1}" on LightGBM's unused label output are noise per batch
    logSeverityLevel: 3,
    // one worker per core does the parallelism; ORT's own pools would oversubscribe the cores
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  if (!session.inputNames.includes(spec.input)) {
    throw new Error(`input "${spec.input}" not in the model (it has ${session.inputNames.join(', ')})`);
  }
  const absent = spec.outputs.filter((o) => !session.outputNames.includes(o));
  if (absent.length > 0) throw new Error(`output(s) ${absent.join(', ')} not in the model (it has ${session.outputNames.join(', ')})`);
  const previous = sessions.get(spec.key);
  sessions.set(spec.key, { session, spec });
  if (previous) await previous.session.release();
  reply({ type: 'loaded', id, inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
}

let scratch = new ArrayBuffer(0);

/**
 * ONNX Runtime refuses a tensor over shared memory ("Invalid argument"), so a batch that came in
 * a SharedArrayBuffer is copied into memory this thread owns, reused from run to run (runs are
 * serialized below, so one scratch buffer is enough).
 */
function owned(data: Float32Array): Float32Array {
  if (!(data.buffer instanceof SharedArrayBuffer)) return data;
  if (scratch.byteLength < data.byteLength) scratch = new ArrayBuffer(data.byteLength);
  const view = new Float32Array(scratch, 0, data.length);
  view.set(data);
  return view;
}

async function run(id: number, key: string, data: Float32Array, rows: number, cols: number): Promise<void> {
  if (boot.testFaults && boot.crashOnRun === key) return die(70);
  const loaded = sessions.get(key);
  if (!loaded) throw new Error(`no session for ${key} in this worker`);
  const feeds = { [loaded.spec.input]: new ort.Tensor('float32', owned(data), [rows, cols]) };
  const results = await loaded.session.run(feeds, loaded.spec.outputs);
  const outputs: Record<string, OutputTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const name of loaded.spec.outputs) {
    const t = results[name];
    if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, expected float32`);
    // a copy we own, so its buffer can be transferred whatever memory ORT backed the tensor with
    const copy = new Float32Array(t.data as Float32Array);
    outputs[name] = { data: copy, dims: t.dims.map(Number) };
    transfer.push(copy.buffer as ArrayBuffer);
  }
  reply({ type: 'result', id, outputs }, transfer);
}

port.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'ping':
      reply({ type: 'pong', id: msg.id });
      return;
    case 'load':
      load(msg.id, msg.spec).catch((err: Error) => reply({ type: 'error', id: msg.id, kind: 'load', message: err.message }));
      return;
    case 'unload': {
      const loaded = sessions.get(msg.key);
      sessions.delete(msg.key);
      void (loaded ? loaded.session.release() : Promise.resolve()).finally(() => reply({ type: 'unloaded', id: msg.id }));
      return;
    }
    case 'run':
      // one at a time: ORT runs synchronously anyway, and the scratch input buffer is reused
      runs = runs.then(() => run(msg.id, msg.key, msg.data, msg.rows, msg.cols)).catch((err: Error) => reply({ type: 'error', id: msg.id, kind: 'run', message: err.message }));
      return;
    case 'crash':
      if (boot.testFaults) return die(70);
      reply({ type: 'error', id: msg.id, kind: 'protocol', message: 'fault injection is off' });
      return;
    case 'hang':
      if (boot.testFaults) {
        const until = Date.now() + msg.ms;
        while (Date.now() < until) { /* a hung worker: no event loop turn, no pong */ }
        return;
      }
      reply({ type: 'error', id: msg.id, kind: 'protocol', message: 'fault injection is off' });
      return;
    default:
      reply({ type: 'error', id: (msg as { id: number }).id, kind: 'protocol', message: `unknown request ${(msg as { type: string }).type}` });
  }
});
