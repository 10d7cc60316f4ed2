// The benchmark capture is made once and kept under .local/bench/ (git-ignored), beside a stamp
// that says what made it. It is made again only when it is missing, its size is not the one
// recorded, or the generator version or options changed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BENCH_CAPTURE_DEFAULTS, BENCH_CAPTURE_GENERATOR_VERSION, writeBenchCapture, type BenchCaptureOptions, type BenchCaptureStats } from './bench-capture.generator';

/** 1 GiB. */
export const BENCH_CAPTURE_BYTES = 1024 * 1024 * 1024;

interface Stamp {
  generatorVersion: number;
  options: Required<BenchCaptureOptions>;
  stats: BenchCaptureStats;
  generationSeconds: number;
}

export interface BenchCapture {
  path: string;
  stats: BenchCaptureStats;
  /** True when this call wrote the file; false when the cached one was still valid. */
  generated: boolean;
  /** Time it took to generate (now or when it was made). */
  generationSeconds: number;
}

export const stampPathOf = (path: string) => `${path}.stamp.json`;

function resolveOptions(options: BenchCaptureOptions): Required<BenchCaptureOptions> {
  return { ...BENCH_CAPTURE_DEFAULTS, ...options };
}

function readStamp(path: string): Stamp | null {
  try {
    return JSON.parse(readFileSync(stampPathOf(path), 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

/** Why the cached file cannot be used, or null when it can. */
export function staleReason(path: string, options: BenchCaptureOptions): string | null {
  if (!existsSync(path)) return 'missing';
  const stamp = readStamp(path);
  if (stamp === null) return 'no stamp';
  if (stamp.generatorVersion !== BENCH_CAPTURE_GENERATOR_VERSION) return `generator version ${stamp.generatorVersion} -> ${BENCH_CAPTURE_GENERATOR_VERSION}`;
  if (JSON.stringify(stamp.options) !== JSON.stringify(resolveOptions(options))) return 'options changed';
  const size = statSync(path).size;
  if (size !== stamp.stats.bytes) return `size ${size}, stamp says ${stamp.stats.bytes}`;
  return null;
}

/** The capture at `path`, generated first when missing or stale. */
export function ensureBenchCapture(path: string, options: BenchCaptureOptions, log: (line: string) => void = () => {}): BenchCapture {
  const stale = staleReason(path, options);
  if (stale === null) {
    const stamp = readStamp(path)!;
    log(`capture: ${path} up to date (${stamp.stats.bytes} bytes, ${stamp.stats.frames} frames)`);
    return { path, stats: stamp.stats, generated: false, generationSeconds: stamp.generationSeconds };
  }
  log(`capture: generating ${path} (${stale})`);
  mkdirSync(dirname(path), { recursive: true });
  rmSync(stampPathOf(path), { force: true });
  const resolved = resolveOptions(options);
  const tmp = `${path}.tmp`;
  const t0 = process.hrtime.bigint();
  const stats = writeBenchCapture(tmp, resolved);
  const generationSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  renameSync(tmp, path);
  const stamp: Stamp = { generatorVersion: BENCH_CAPTURE_GENERATOR_VERSION, options: resolved, stats, generationSeconds };
  writeFileSync(stampPathOf(path), JSON.stringify(stamp, null, 2) + '\n');
  log(`capture: wrote ${stats.bytes} bytes, ${stats.frames} frames, ${stats.conversations} conversations in ${generationSeconds.toFixed(1)} s`);
  return { path, stats, generated: true, generationSeconds };
}
