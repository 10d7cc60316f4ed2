import type { Command } from 'commander';
import { loadConfig } from '@ids/config';
import { decodePacket, IP_PROTOCOL } from '@ids/packet';
import { LiveCapture, type LiveCaptureStats } from '@ids/pcap';
import { bootstrapStage, STAGES } from '@ids/stage-host';
import { CliError, EXIT } from '../cli-error';

interface CaptureOptions {
  listInterfaces?: boolean;
  read?: string;
  interface?: string;
  filter?: string;
  snaplen?: string;
  bufferMb?: string;
  count?: string;
  duration?: string;
  json?: boolean;
}

export function registerCapture(program: Command): void {
  program.command('capture')
    .description('List capture interfaces; capture from one locally (statistics only, no Kafka: check a SPAN port); or replay a capture file into ids.packets.v1 on Kafka.')
    .option('--list-interfaces', 'list the interfaces libpcap can capture from')
    .option('-i, --interface <name>', 'capture from this interface and print statistics each second and at the end (no Kafka); stops on --count, --duration, SIGINT or SIGTERM')
    .option('-f, --filter <bpf>', 'BPF filter (tcpdump syntax), applied in the kernel')
    .option('--snaplen <bytes>', 'bytes kept of each frame, 64..65535 (default IDS_CAPTURE_SNAPLEN, 65535)')
    .option('--buffer-mb <mib>', 'kernel capture buffer in MiB, 1..2047 (default IDS_CAPTURE_BUFFER_MB, 16)')
    .option('-c, --count <frames>', 'stop after this many frames')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--json', 'print the end-of-run summary as JSON on stdout (the per-second lines go to stderr)')
    .option('-r, --read <file>', 'replay this pcap or pcapng file into Kafka (the capture app with IDS_CAPTURE_FILE)')
    .action(async (opts: CaptureOptions) => {
      if (opts.listInterfaces) {
        for (const d of LiveCapture.listInterfaces()) {
          process.stdout.write(`${d.name}\t${d.addresses.join(',')}\t${d.description ?? ''}${d.loopback ? ' (loopback)' : ''}\n`);
        }
        return;
      }
      if (opts.interface && opts.read) throw new CliError('give -i INTERFACE or -r FILE, not both', EXIT.badInput);
      if (opts.interface) {
        await captureLocally(opts.interface, opts);
        return;
      }
      if (!opts.read) throw new CliError('give --list-interfaces, -i INTERFACE or -r FILE', EXIT.badInput);
      await bootstrapStage(STAGES.capture, { ...process.env, IDS_CAPTURE_FILE: opts.read });
    });
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name} ${JSON.stringify(value)}: expected an integer from ${min} to ${max}`, EXIT.badInput);
  return n;
}

/** What `ids capture -i` prints at the end (and as JSON with --json). */
export interface LocalCaptureSummary {
  interface: string;
  filter: string;
  linkType: number;
  snaplen: number;
  bufferMb: number;
  seconds: number;
  frames: number;
  bytes: number;
  protocols: Record<string, number>;
  stats: LiveCaptureStats;
}

/** A capture that only counts: frames, bytes, protocols, truncations and drops. */
async function captureLocally(interfaceName: string, opts: CaptureOptions): Promise<void> {
  const config = loadConfig();
  const snaplen = integer('--snaplen', opts.snaplen, 64, 65535) ?? config.capture.snaplen;
  const bufferMb = integer('--buffer-mb', opts.bufferMb, 1, 2047) ?? config.capture.bufferMb;
  const count = integer('--count', opts.count, 1, Number.MAX_SAFE_INTEGER);
  const duration = opts.duration === undefined ? undefined : Number(opts.duration);
  if (duration !== undefined && !(duration > 0)) throw new CliError(`--duration ${JSON.stringify(opts.duration)}: expected a positive number of seconds`, EXIT.badInput);
  const filter = opts.filter ?? config.capture.filter ?? '';
  const progress = opts.json ? process.stderr : process.stdout;

  const capture = LiveCapture.open({ interface: interfaceName, filter, snaplen, bufferBytes: bufferMb * 1024 * 1024 });
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`ids capture: capturing on ${interfaceName} (link type ${capture.linkType}${filter ? `, filter '${filter}'` : ''}, snaplen ${snaplen}, buffer ${bufferMb} MiB); stop with Ctrl-C\n`);

  const stop = () => capture.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timeout = duration === undefined ? undefined : setTimeout(stop, duration * 1000);
  let previous = capture.stats();
  const ticker = setInterval(() => {
    const s = capture.stats();
    progress.write(intervalLine(interfaceName, elapsed(), s, previous) + '\n');
    previous = s;
  }, 1000);

  const protocols: Record<string, number> = {};
  let frames = 0;
  let bytes = 0;
  try {
    reading: for await (const batch of capture.batches()) {
      for (const frame of batch) {
        frames++;
        bytes += frame.originalLength;
        const name = protocolOf(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
        protocols[name] = (protocols[name] ?? 0) + 1;
        if (frames === count) break reading; // leaving the loop stops the capture
      }
    }
  } finally {
    clearInterval(ticker);
    clearTimeout(timeout);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  const summary: LocalCaptureSummary = {
    interface: interfaceName, filter, linkType: capture.linkType, snaplen, bufferMb,
    seconds: Math.round(elapsed() * 1000) / 1000, frames, bytes, protocols, stats: capture.stats(),
  };
  process.stdout.write(opts.json ? JSON.stringify(summary) + '\n' : summaryText(summary));
}

const PROTOCOL_NAMES: Record<number, string> = {
  [IP_PROTOCOL.TCP]: 'tcp', [IP_PROTOCOL.UDP]: 'udp', [IP_PROTOCOL.ICMP]: 'icmp', [IP_PROTOCOL.ICMPV6]: 'icmp6',
};

function protocolOf(data: Buffer, linkType: number, tsUs: number, wireLength: number): string {
  const p = decodePacket(data, linkType, tsUs, wireLength);
  if (!p.ok) return p.reason === 'non-ip' || p.reason === 'arp' ? p.reason : `undecoded:${p.reason}`;
  return PROTOCOL_NAMES[p.ipProto] ?? `ip-proto-${p.ipProto}`;
}

function drops(s: LiveCaptureStats): string {
  const i = s.interface;
  return `dropped: queue ${s.droppedByQueue}, kernel ${s.kernel ? s.kernel.dropped : 'n/a'}, interface ${i ? i.rxDropped : 'n/a'}, nic ${i ? i.rxMissed : 'n/a'}`;
}

function intervalLine(name: string, seconds: number, s: LiveCaptureStats, before: LiveCaptureStats): string {
  return `${seconds.toFixed(0).padStart(5)} s  ${name}  frames ${s.received} (+${s.received - before.received}/s)  bytes ${s.bytes} (+${s.bytes - before.bytes}/s)  truncated ${s.truncated}  ${drops(s)}`;
}

function summaryText(s: LocalCaptureSummary): string {
  const protocols = Object.entries(s.protocols).sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ') || 'none';
  const i = s.stats.interface;
  return [
    `ids capture -i ${s.interface}${s.filter ? ` -f '${s.filter}'` : ''}`,
    `  frames       ${s.frames} (${s.bytes} bytes over ${s.seconds.toFixed(3)} s)`,
    `  protocols    ${protocols}`,
    `  truncated    ${s.stats.truncated} (snaplen ${s.snaplen})`,
    `  ${drops(s.stats).replace('dropped: ', 'dropped      ')}`,
    `  interface    ${i ? `rx_packets +${i.rxPackets} (every frame the interface received, filter or not)` : 'no counters'}`,
    `  libpcap      ${s.stats.kernel ? `received ${s.stats.kernel.received}, dropped ${s.stats.kernel.dropped} (capture buffer full), interface dropped ${s.stats.kernel.interfaceDropped}` : 'no pcap_stats (a cap without patches/cap+0.2.1.patch)'}`,
    '',
  ].join('\n');
}
