// `make bench` / `npm run bench`: the embedded path's throughput and memory on a 1 GiB capture,
// each figure beside reference tools measured in the same run, on the same file and machine.
//
//   node dist/test/bench/run.js [--repeat 3] [--bytes N] [--capture FILE] [--out FILE]
//                               [--memory-flows N] [--only read,decode,flow,analyze,memory,tcpdump,argus,nfstream]
//
// Every run of every measurement is a fresh process pinned to one CPU (taskset), the rounds
// interleaved (read, tcpdump, decode, flow, argus, NFStream, analyze, memory; then again), so
// drift hits all of them alike. Writes out/bench/flow-bench.json and prints a table.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { parseBenchArgs } from './bench-args';
import { BENCH_CAPTURE_BYTES, ensureBenchCapture } from './bench-capture.cache';
import { BENCH_CAPTURE_GENERATOR_VERSION } from './bench-capture.generator';
import type { MemorySample, ThroughputMeasurement, ThroughputSample } from './embedded-path.measurements';
import { Pinning, argusFlows, nfstreamFlows, tcpdumpRead, tsharkConversations, type ReferenceSample, type ReferenceTool } from './reference-tools';
import { figure, si, type Figure } from './sample-stats';

interface RunSample {
  /** What the figures use: see ThroughputSample and ReferenceSample. */
  seconds: number;
  packets: number;
  flows?: number;
  undecoded?: number;
  cpuSeconds?: number;
  wallSeconds?: number;
  maxRssBytes?: number;
}

interface Entry {
  id: string;
  /** Short name for --only. */
  name: string;
  kind: 'embedded' | 'reference';
  title: string;
  command: string;
  description: string;
  unavailable: string | null;
  version: string | null;
  /** Reference ids this figure is compared with (packets/s, median over median). */
  comparedWith: string[];
  run: () => RunSample;
  runs: RunSample[];
}

const root = repoRoot();
const rel = (p: string) => relative(root, p) || '.';
const log = (line: string) => console.log(line);

function git(args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function lastJsonLine<T>(stdout: string, what: string): T {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`${what} printed no result`);
  return JSON.parse(line) as T;
}

/** Reads the whole file once, untimed, so that every run reads it from the page cache. */
function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function main(): void {
  const args = parseBenchArgs(process.argv.slice(2));
  const started = new Date();
  const loadStart = loadavg();
  const t0 = process.hrtime.bigint();
  const cwd = process.cwd();
  const capturePath = resolve(args.capture);
  const capture = ensureBenchCapture(capturePath, { targetBytes: args.bytes ?? BENCH_CAPTURE_BYTES }, log);
  const file = rel(capturePath);
  const frames = capture.stats.frames;
  const pin = new Pinning(Math.max(0, cpus().length - 1));
  const measureJs = join(__dirname, 'measure.js');
  const python = join(root, '.local', 'venv', 'bin', 'python');
  const nfstreamScript = join(root, 'test', 'bench', 'nfstream-reference.py');
  // Commands are run, and shown, with paths relative to the repository root.
  process.chdir(root);

  const embedded = (name: ThroughputMeasurement, title: string, description: string, comparedWith: string[]): Entry => ({
    id: `embedded.${name}`, name, kind: 'embedded', title, description, comparedWith, unavailable: null, version: process.version,
    command: `node --expose-gc ${rel(measureJs)} ${name} ${file}`,
    run: () => {
      const r = pin.spawn(process.execPath, ['--expose-gc', measureJs, name, capturePath]);
      if (r.status !== 0) throw new Error(`measure.js ${name} exited ${r.status ?? r.signal}: ${r.stderr.trim().slice(-2000)}`);
      const s = lastJsonLine<ThroughputSample>(r.stdout, `measure.js ${name}`);
      if (s.packets !== frames) throw new Error(`measure.js ${name} saw ${s.packets} packets, the capture has ${frames}`);
      return s;
    },
    runs: [],
  });
  const reference = (name: string, tool: ReferenceTool): Entry => {
    const unavailable = tool.unavailable();
    return {
      id: tool.id, name, kind: 'reference', title: tool.title, command: tool.command, description: tool.description, comparedWith: [],
      unavailable, version: unavailable === null ? tool.version() : null,
      run: () => {
        const s: ReferenceSample = tool.run();
        return { ...s, packets: s.packets ?? frames };
      },
      runs: [],
    };
  };

  const nfstream = reference('nfstream', nfstreamFlows(file, pin, rel(python), rel(nfstreamScript)));
  const flowRefs = ['argus.flows', nfstream.unavailable === null ? 'nfstream.flows' : 'tshark.conv'];
  const entries: Entry[] = [
    embedded('read', 'read: PcapFileReader.chunks()', 'libs/pcap PcapFileReader.chunks({ reuseChunks }): every record of the file through one reused cursor per 1 MiB read chunk (two read buffers in turn; a frame is a position in the chunk, no view made)', ['tcpdump.read']),
    reference('tcpdump', tcpdumpRead(file, pin)),
    embedded('decode', 'read + decodeFrameInto', 'read, then libs/packet decodeFrameInto of every frame, in place in the read chunk, into one reused PacketView (Ethernet, VLAN, IPv4/IPv6, TCP/UDP/ICMP; addresses formatted only when read)', ['tcpdump.read']),
    embedded('flow', 'read + decode + FlowTable', 'read, decodeFrameInto a PacketView, libs/flow FlowTable.add of every IP packet (default timeouts; expiry checked each second of capture time; IPv4 flows found by a numeric 5-tuple hash), flush at the end', flowRefs),
    reference('argus', argusFlows(file, pin, rel(`${capturePath}.argus`))),
    nfstream,
    ...(nfstream.unavailable === null ? [] : [reference('tshark', tsharkConversations(file, pin))]),
    embedded('analyze', 'analyzeCapture (embedded runtime)', '@ids/stages analyzeCapture: capture source (decode for the key, murmur2 partition, watermarks) -> in-memory log -> flows stage (decode, FlowTable over a changelogged state store) -> sink stage, flows collected in memory', flowRefs),
  ];
  const selected = (e: { name: string; id: string }) => args.only.length === 0 || args.only.includes(e.name) || args.only.includes(e.id);
  const memoryWanted = selected({ name: 'memory', id: 'embedded.memory' });
  const memoryRuns: MemorySample[] = [];

  warmPageCache(capturePath);
  for (const e of entries) if (e.unavailable !== null && selected(e)) log(`${e.id}: not measured: ${e.unavailable}`);
  for (let round = 1; round <= args.repeat; round++) {
    for (const e of entries) {
      if (e.unavailable !== null || !selected(e)) continue;
      let s: RunSample;
      try {
        s = e.run();
      } catch (err) {
        // Our own measurements must work; a reference that fails is reported and left out.
        if (e.kind === 'embedded') throw err;
        e.unavailable = `failed in round ${round}: ${err instanceof Error ? err.message : String(err)}`;
        e.runs = [];
        log(`${e.id}: ${e.unavailable}`);
        continue;
      }
      e.runs.push(s);
      log(`round ${round}/${args.repeat}  ${e.id.padEnd(18)} ${s.seconds.toFixed(2).padStart(7)} s  ${si(s.packets / s.seconds)} packets/s${s.flows === undefined ? '' : `  ${s.flows} flows`}`);
    }
    if (memoryWanted) {
      const r = pin.spawn(process.execPath, ['--expose-gc', measureJs, 'memory', String(args.memoryFlows)]);
      if (r.status !== 0) throw new Error(`measure.js memory exited ${r.status ?? r.signal}: ${r.stderr.trim().slice(-2000)}`);
      const m = lastJsonLine<MemorySample>(r.stdout, 'measure.js memory');
      memoryRuns.push(m);
      log(`round ${round}/${args.repeat}  embedded.memory    ${m.bytesPerFlow.toFixed(0).padStart(7)} bytes per open flow (heap and array buffers) (${m.flows} flows)`);
    }
  }

  const measured = entries.filter((e) => e.runs.length > 0);
  const figuresOf = (e: Entry) => ({
    seconds: figure('s', e.runs.map((r) => r.seconds)),
    packetsPerSecond: figure('packets/s', e.runs.map((r) => r.packets / r.seconds)),
    megabytesPerSecond: figure('MB/s', e.runs.map((r) => capture.stats.bytes / 1e6 / r.seconds)),
    ...(e.runs.every((r) => r.cpuSeconds !== undefined) ? { cpuSeconds: figure('s', e.runs.map((r) => r.cpuSeconds!)) } : {}),
    ...(e.runs.every((r) => r.flows !== undefined) ? { flowsPerSecond: figure('flows/s', e.runs.map((r) => r.flows! / r.seconds)) } : {}),
  });
  const byId = new Map(measured.map((e) => [e.id, figuresOf(e)]));
  const results = measured.map((e) => {
    const f = byId.get(e.id)!;
    return {
      id: e.id, kind: e.kind, title: e.title, description: e.description, command: e.command, version: e.version,
      packets: e.runs[0].packets,
      ...(e.runs[0].flows === undefined ? {} : { flows: e.runs[0].flows }),
      figures: f,
      runs: e.runs,
      comparedWith: e.comparedWith.filter((id) => byId.has(id)).map((id) => {
        // Paired by round: both ran back to back, so drift of the machine hits both alike.
        const ref = measured.find((m) => m.id === id)!;
        const ratios = e.runs.map((r, i) => (r.packets / r.seconds) / (ref.runs[i].packets / ref.runs[i].seconds));
        return { id, ratio: figure('×', ratios), meaning: `packets/s of ${e.id} over packets/s of ${id} in the same round; above 1 is faster than the reference` };
      }),
    };
  });
  const memory = memoryRuns.length === 0 ? null : {
    id: 'embedded.memory',
    description: 'heap after a full GC, less the heap before, over the open flows: FlowTable (Map) of established TCP flows (SYN, SYN-ACK, ACK), each decoded from a frame',
    command: `node --expose-gc ${rel(measureJs)} memory ${args.memoryFlows}`,
    flows: args.memoryFlows,
    figures: { bytesPerFlow: figure('bytes/flow', memoryRuns.map((m) => m.bytesPerFlow)) },
    runs: memoryRuns,
    reference: null,
    referenceNote: 'no reference: neither Argus nor NFStream reports its memory per flow, and process RSS mixes in everything else',
  };
  const unavailable = entries.filter((e) => e.unavailable !== null).map((e) => ({ id: e.id, reason: e.unavailable }));
  const cpu = cpus()[0];
  const report = {
    schema: 'hybrid-ids/bench/flow-bench/1',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    totalSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
    command: `node ${rel(__filename)} ${process.argv.slice(2).join(' ')}`.trim(),
    git: { commit: git(['rev-parse', 'HEAD']), dirty: (git(['status', '--porcelain']) ?? '') !== '' },
    machine: {
      cpuModel: cpu?.model ?? null,
      cores: cpus().length,
      pinnedToCpu: pin.cpu,
      pinning: pin.cpu === null ? 'none (taskset not found): figures are not per core' : `taskset -c ${pin.cpu}: each measured process (all its threads) on one CPU`,
      node: process.version,
      v8: process.versions.v8,
      kernel: release(),
      memoryBytes: totalmem(),
      loadAverage: { note: '1, 5 and 15 min load averages; above the core count, other work shared the CPUs', start: loadStart, end: loadavg() },
    },
    capture: {
      path: file,
      bytes: capture.stats.bytes,
      packets: frames,
      conversations: capture.stats.conversations,
      conversationsByKind: capture.stats.byKind,
      captureSpanSeconds: (capture.stats.lastTsUs - capture.stats.firstTsUs) / 1e6,
      generatorVersion: BENCH_CAPTURE_GENERATOR_VERSION,
      generatedThisRun: capture.generated,
      generationSeconds: capture.generationSeconds,
      note: 'read from the page cache (the file was just written or read): figures are CPU cost, not disk speed',
    },
    repeat: args.repeat,
    results,
    memory,
    unavailable,
  };
  const out = resolve(cwd, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');

  log('');
  log(`load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (${cpus().length} CPUs)`);
  log(`${file}: ${(capture.stats.bytes / 2 ** 30).toFixed(2)} GiB, ${frames} packets, ${capture.stats.conversations} conversations; ${report.machine.cpuModel}, ${report.machine.pinning}; node ${process.version}; median (min-max) of ${args.repeat}`);
  log('');
  log('| figure | packets/s | MB/s | flows | flows/s | vs reference (packets/s, paired by round) |');
  log('|---|---|---|---|---|---|');
  const range = (f: Figure) => (f.samples.length === 1 ? si(f.median) : `${si(f.median)} (${si(f.min)}–${si(f.max)})`);
  for (const r of results) {
    const vs = r.comparedWith.map((c) => `${c.ratio.median.toFixed(2)}× ${c.id}${c.ratio.samples.length > 1 ? ` (${c.ratio.min.toFixed(2)}–${c.ratio.max.toFixed(2)})` : ''}`).join(', ');
    log(`| ${r.kind === 'embedded' ? r.title : `*${r.title}*`} | ${range(r.figures.packetsPerSecond)} | ${r.figures.megabytesPerSecond.median.toFixed(0)} | ${r.flows ?? ''} | ${r.figures.flowsPerSecond ? si(r.figures.flowsPerSecond.median) : ''} | ${vs} |`);
  }
  if (memory !== null) log(`| memory per open flow, heap and array buffers (${memory.flows} TCP flows) | ${memory.figures.bytesPerFlow.median.toFixed(0)} bytes (${memory.figures.bytesPerFlow.min.toFixed(0)}–${memory.figures.bytesPerFlow.max.toFixed(0)}) | | | | no reference |`);
  for (const u of unavailable) log(`not measured: ${u.id}: ${u.reason}`);
  log('');
  log(`wrote ${rel(out)} in ${report.totalSeconds.toFixed(0)} s`);
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
