// Options of `node dist/test/bench/inference/run.js`.

export const RUNTIMES = ['node-ort', 'engine', 'python-ort', 'python-model'] as const;
export type Runtime = (typeof RUNTIMES)[number];
export const MODELS = ['flow-gbdt', 'flow-mlp', 'flow-ae'] as const;
/** The engine on the committed models/registry.json: classifier, anomaly model and shadow on every batch. */
export const SERVING_SET = 'serving-set';
export const BATCH_SIZES = [1, 8, 32, 128, 512, 1024, 4096];
/** The engine is measured at every size, as onnxruntime-node is: issue #5 asks for p50/p99 from 1 to 4096. */
export const ENGINE_BATCH_SIZES = BATCH_SIZES;
export const QUICK_BATCH_SIZES = [1, 32, 1024];
export const QUICK_ENGINE_BATCH_SIZES = [32, 1024];

export interface InferenceBenchArgs {
  quick: boolean;
  /** Rounds; each measures every cell once, in an interleaved order. */
  repeat: number;
  /** Time box of one cell in one round (seconds of timed batches, at least minIterations). */
  seconds: number;
  minIterations: number;
  batches: number[];
  engineBatches: number[];
  cpu: number;
  out: string;
  only: Runtime[];
  /** Pickle of the retrained Python models (inference-reference.py --fit-cache). */
  fitCache: string;
}

export class InferenceBenchArgsError extends Error {
  readonly code = 'INFERENCE_BENCH_ARGS';
  constructor(readonly arg: string, message: string) {
    super(message);
    this.name = 'InferenceBenchArgsError';
  }
}

export function parseInferenceBenchArgs(argv: string[]): InferenceBenchArgs {
  const quick = argv.includes('--quick');
  const args: InferenceBenchArgs = {
    quick,
    repeat: quick ? 1 : 3,
    seconds: quick ? 0.1 : 1.5,
    minIterations: quick ? 1 : 3,
    batches: quick ? QUICK_BATCH_SIZES : BATCH_SIZES,
    engineBatches: quick ? QUICK_ENGINE_BATCH_SIZES : ENGINE_BATCH_SIZES,
    cpu: 0,
    out: 'out/bench/inference-bench.json',
    only: [...RUNTIMES],
    fitCache: 'out/bench/inference-python-models.pkl',
  };
  const positive = (name: string, v: string | undefined, integer: boolean): number => {
    const n = Number(v);
    if (v === undefined || !(n > 0) || (integer && !Number.isInteger(n))) throw new InferenceBenchArgsError(name, `${name} wants a positive ${integer ? 'integer' : 'number'}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case '--quick': break;
      case '--repeat': args.repeat = positive(a, next(), true); break;
      case '--seconds': args.seconds = positive(a, next(), false); break;
      case '--min-iterations': args.minIterations = positive(a, next(), true); break;
      case '--batches': args.batches = (next() ?? '').split(',').map((v) => positive(a, v, true)); args.engineBatches = args.engineBatches.filter((b) => args.batches.includes(b)); break;
      case '--cpu': { const v = next(); args.cpu = Number(v); if (!Number.isInteger(args.cpu) || args.cpu < 0) throw new InferenceBenchArgsError(a, `--cpu wants a CPU number, got ${v}`); break; }
      case '--out': args.out = next() ?? args.out; break;
      case '--fit-cache': args.fitCache = next() ?? args.fitCache; break;
      case '--only': {
        const v = (next() ?? '').split(',');
        const bad = v.find((r) => !(RUNTIMES as readonly string[]).includes(r));
        if (bad !== undefined) throw new InferenceBenchArgsError(a, `--only takes ${RUNTIMES.join(',')}, got ${bad}`);
        args.only = v as Runtime[];
        break;
      }
      default: throw new InferenceBenchArgsError(a, `unknown option ${a}`);
    }
  }
  return args;
}
