// The signature workload is made once and kept under .local/bench/ (git-ignored): the capture,
// its payload file for grep, and a stamp saying what made them. Made again when a file is
// missing, a size differs from the stamp, or the generator version or options changed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SIGNATURE_WORKLOAD_VERSION, writeSignatureWorkload, type SignatureWorkloadOptions, type SignatureWorkloadStats } from './signature-workload.generator';

interface Stamp {
  version: number;
  options: SignatureWorkloadOptions;
  stats: SignatureWorkloadStats;
  payloadFileBytes: number;
  generationSeconds: number;
}

export interface SignatureWorkload {
  pcap: string;
  payloads: string;
  stats: SignatureWorkloadStats;
  /** Bytes of the payload file: payload bytes + one LF per payload frame. */
  payloadFileBytes: number;
  generated: boolean;
  generationSeconds: number;
}

/** `.local/bench/signatures.pcap` -> `.local/bench/signatures.payloads.txt`. */
export const payloadPathOf = (pcap: string) => pcap.replace(/\.pcap$/, '') + '.payloads.txt';
const stampPathOf = (pcap: string) => `${pcap}.stamp.json`;

function readStamp(pcap: string): Stamp | null {
  try {
    return JSON.parse(readFileSync(stampPathOf(pcap), 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

export function workloadStaleReason(pcap: string, options: SignatureWorkloadOptions): string | null {
  const payloads = payloadPathOf(pcap);
  if (!existsSync(pcap) || !existsSync(payloads)) return 'missing';
  const stamp = readStamp(pcap);
  if (stamp === null) return 'no stamp';
  if (stamp.version !== SIGNATURE_WORKLOAD_VERSION) return `generator version ${stamp.version} -> ${SIGNATURE_WORKLOAD_VERSION}`;
  if (JSON.stringify(stamp.options) !== JSON.stringify(options)) return 'options changed';
  if (statSync(pcap).size !== stamp.stats.pcapBytes) return 'capture size differs from the stamp';
  if (statSync(payloads).size !== stamp.payloadFileBytes) return 'payload file size differs from the stamp';
  return null;
}

export function ensureSignatureWorkload(pcap: string, options: SignatureWorkloadOptions, log: (line: string) => void = () => {}): SignatureWorkload {
  const payloads = payloadPathOf(pcap);
  const stale = workloadStaleReason(pcap, options);
  if (stale === null) {
    const s = readStamp(pcap)!;
    log(`workload: ${pcap} up to date (${s.stats.frames} frames, ${s.stats.payloadBytes} payload bytes)`);
    return { pcap, payloads, stats: s.stats, payloadFileBytes: s.payloadFileBytes, generated: false, generationSeconds: s.generationSeconds };
  }
  log(`workload: generating ${pcap} and ${payloads} (${stale})`);
  mkdirSync(dirname(pcap), { recursive: true });
  rmSync(stampPathOf(pcap), { force: true });
  const t0 = process.hrtime.bigint();
  const stats = writeSignatureWorkload(`${pcap}.tmp`, `${payloads}.tmp`, options);
  const generationSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  renameSync(`${pcap}.tmp`, pcap);
  renameSync(`${payloads}.tmp`, payloads);
  const payloadFileBytes = statSync(payloads).size;
  if (payloadFileBytes !== stats.payloadBytes + stats.payloadFrames) throw new Error(`payload file has ${payloadFileBytes} bytes, expected ${stats.payloadBytes + stats.payloadFrames}`);
  const stamp: Stamp = { version: SIGNATURE_WORKLOAD_VERSION, options, stats, payloadFileBytes, generationSeconds };
  writeFileSync(stampPathOf(pcap), JSON.stringify(stamp, null, 2) + '\n');
  log(`workload: ${stats.frames} frames, ${stats.payloadBytes} payload bytes (${stats.conversations} TCP conversations, ${stats.syslogMessages} syslog datagrams) in ${generationSeconds.toFixed(1)} s`);
  return { pcap, payloads, stats, payloadFileBytes, generated: true, generationSeconds };
}
