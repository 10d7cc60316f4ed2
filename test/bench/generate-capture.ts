// Makes the benchmark capture if it is missing or stale (see bench-capture.cache.ts):
//   node dist/test/bench/generate-capture.js [--bytes N] [--out .local/bench/capture.pcap]
import { resolve } from 'node:path';
import { BENCH_CAPTURE_BYTES, ensureBenchCapture } from './bench-capture.cache';
import { parseBenchArgs } from './bench-args';

const args = parseBenchArgs(process.argv.slice(2));
ensureBenchCapture(resolve(args.capture), { targetBytes: args.bytes ?? BENCH_CAPTURE_BYTES }, (line) => console.log(line));
