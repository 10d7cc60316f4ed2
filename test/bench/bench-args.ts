// Command-line options shared by generate-capture.js and run.js.

export interface BenchArgs {
  /** Capture file. Default .local/bench/capture.pcap. */
  capture: string;
  /** Target capture size in bytes; unset: 1 GiB. */
  bytes?: number;
  /** Runs of each measurement. Default 3. */
  repeat: number;
  /** Result file. Default out/bench/flow-bench.json. */
  out: string;
  /** Open flows in the memory measurement. Default 200000. */
  memoryFlows: number;
  /** Measurements to run (ids), or all when empty. */
  only: string[];
}

const USAGE = 'options: [--capture FILE] [--bytes N] [--repeat N] [--out FILE] [--memory-flows N] [--only id,id]';

export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { capture: '.local/bench/capture.pcap', repeat: 3, out: 'out/bench/flow-bench.json', memoryFlows: 200_000, only: [] };
  const positiveInt = (name: string, text: string | undefined) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} wants a positive integer, got ${text}. ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    switch (name) {
      case '--capture': args.capture = value; break;
      case '--bytes': args.bytes = positiveInt(name, value); break;
      case '--repeat': args.repeat = positiveInt(name, value); break;
      case '--out': args.out = value; break;
      case '--memory-flows': args.memoryFlows = positiveInt(name, value); break;
      case '--only': args.only = (value ?? '').split(',').filter((s) => s !== ''); break;
      default: throw new Error(`unknown option ${name}. ${USAGE}`);
    }
    if (value === undefined) throw new Error(`${name} wants a value. ${USAGE}`);
    i++;
  }
  return args;
}
