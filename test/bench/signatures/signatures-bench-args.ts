// Command-line options of signatures/run.js.

export const SIGNATURE_FIGURES = ['engine', 'decode-engine', 'prefilter', 'ac', 'grep', 'suricata'] as const;
export type SignatureFigure = (typeof SIGNATURE_FIGURES)[number];

export interface SignaturesBenchArgs {
  quick: boolean;
  repeat: number;
  /** Rule-set sizes. */
  rules: number[];
  /** HTTP-buffer rules appended to each rule set (0: the content rules alone). */
  httpRules: number;
  /** Payload bytes of the generated workload. */
  payloadBytes: number;
  capture: string;
  only: SignatureFigure[];
  cpu: number;
  out: string;
  /**
   * Timed passes per engine / prefilter / ac process, a fresh engine or matcher each; the figure is
   * the last pass's (3, default: the steady state, once V8 has compiled the hot code), the first
   * pass's beside it as the cold figure. 1: the cold single pass alone.
   */
  passes: number;
}

const USAGE = 'options: [--quick] [--repeat N] [--rules 10,1000,10000] [--http-rules N] [--payload-bytes N] [--capture FILE] [--only engine,decode-engine,prefilter,ac,grep,suricata] [--cpu N] [--out FILE] [--passes N]';

export function parseSignaturesBenchArgs(argv: string[]): SignaturesBenchArgs {
  const quick = argv.includes('--quick');
  // --quick: a 8 MiB workload of its own, one round, no Suricata (its start-up alone is seconds per rule set)
  const args: SignaturesBenchArgs = {
    quick,
    repeat: quick ? 1 : 3,
    rules: [10, 1000, 10000],
    httpRules: 0,
    payloadBytes: quick ? 8 * 1024 * 1024 : 128 * 1024 * 1024,
    capture: quick ? '.local/bench/signatures-quick.pcap' : '.local/bench/signatures.pcap',
    only: quick ? SIGNATURE_FIGURES.filter((f) => f !== 'suricata') : [...SIGNATURE_FIGURES],
    cpu: 0,
    out: 'out/bench/signatures-bench.json',
    passes: 3,
  };
  const positiveInt = (name: string, text: string | undefined) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} wants a positive integer, got ${text}. ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (name === '--quick') continue;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} wants a value. ${USAGE}`);
    switch (name) {
      case '--repeat': args.repeat = positiveInt(name, value); break;
      case '--rules': args.rules = value.split(',').map((v) => positiveInt(name, v)); break;
      case '--http-rules': args.httpRules = value === '0' ? 0 : positiveInt(name, value); break;
      case '--payload-bytes': args.payloadBytes = positiveInt(name, value); break;
      case '--capture': args.capture = value; break;
      case '--cpu': args.cpu = Number(value); if (!Number.isInteger(args.cpu) || args.cpu < 0) throw new Error(`--cpu wants a CPU number, got ${value}`); break;
      case '--out': args.out = value; break;
      case '--passes': args.passes = positiveInt(name, value); break;
      case '--only': {
        const ids = value.split(',').filter((s) => s !== '');
        const bad = ids.filter((id) => !SIGNATURE_FIGURES.includes(id as SignatureFigure));
        if (bad.length > 0 || ids.length === 0) throw new Error(`--only: unknown figure ${bad.join(',') || '(none)'}. ${USAGE}`);
        args.only = ids as SignatureFigure[];
        break;
      }
      default: throw new Error(`unknown option ${name}. ${USAGE}`);
    }
    i++;
  }
  return args;
}
