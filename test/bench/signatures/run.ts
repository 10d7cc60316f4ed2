// The signature-engine benchmark (issue #4, point 6): MB/s of payload and packets/s per core of
// @ids/detection's SignatureEngine with 10, 1,000 and 10,000 generated content rules, beside
// reference multi-pattern matchers over the same payload bytes in the same run:
//
//   engine         SignatureEngine.inspect over pre-decoded packets (decode and flow keys made before the clock starts)
//   decode-engine  decodePacket + flowKey + inspect of every frame (in memory)
//   prefilter      the engine's prefilter alone: WuManberMatcher.scan over every TCP/UDP payload
//   ac             the former prefilter alone: AhoCorasickMatcher.scan over every TCP/UDP payload
//   grep           LC_ALL=C grep -c -F -f PATTERNS PAYLOADS: GNU grep over the same payload bytes, one per line
//   suricata       suricata -r PCAP -S RULES -k none --runmode single (wall time, start-up included);
//                  suricata -T -S RULES (start-up + rule loading alone) beside it
//
//   node dist/test/bench/signatures/run.js [--quick] [--repeat 3] [--rules 10,1000,10000] [--http-rules N] [--payload-bytes N]
//                                          [--only engine,decode-engine,prefilter,ac,grep,suricata] [--cpu 0] [--out FILE] [--passes 3]
//
// --passes N (default 3) runs the timed loop of engine, decode-engine, prefilter and ac N times per
// process (a fresh engine or matcher each). The figure is the last pass: the steady state of a
// stage that runs for hours, which is what "per core" throughput means for it. The first pass is
// reported beside it as the cold figure: it includes V8 compiling the hot code (the first ~16 k
// packets run ~4x slower than once compiled), a cost a stage pays once per process start, and on
// this 134 MB workload about a third of a pass. grep and Suricata are native code with no warm-up.
// --passes 1: the cold single pass alone (the figure of the benchmark's first versions).
// Every measured process is started fresh and pinned to one CPU with taskset; each round runs every
// figure of every rule set (the order of figures rotated per round), the median of the rounds is
// reported. The workload (.local/bench/signatures.pcap + .payloads.txt) and the rule files
// (.local/bench/signature-rules/) are generated deterministically. --http-rules N appends N rules
// reading HTTP buffers to each rule set (content-R+httpN.rules): the engine then parses HTTP, which
// the content rules alone do not make it do; grep's patterns stay the content ones. No figure is asserted:
// out/bench/signatures-bench.json holds them with the issue's target beside them (met true/false).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { Pinning } from '../reference-tools';
import { figure, si, type Figure } from '../sample-stats';
import type { ChildSample, PassTime } from './signature-child';
import { generateHttpRules, generateRuleSet, indicatorCount } from './signature-rules.generator';
import { ensureSignatureWorkload } from './signature-workload.cache';
import { SIGNATURE_WORKLOAD_DEFAULTS } from './signature-workload.generator';
import { parseSignaturesBenchArgs, type SignatureFigure } from './signatures-bench-args';

const TARGET_MB_PER_SECOND = 300;
const TARGET_RULES = 1000;
const MB = 1e6;

/** One run of one figure. */
interface Sample {
  seconds: number;
  cpuSeconds: number;
  /** Bytes the figure's MB/s is of (payload bytes; grep: the payload file). */
  bytes: number;
  packets: number | null;
  matches: number | null;
  matchedPackets: number | null;
  loadSeconds?: number;
  /** The process's first pass when it ran several (the figure is its last): V8 compiling included. */
  cold?: PassTime;
  child?: ChildSample;
  startupSeconds?: number;
}

interface Cell {
  figure: SignatureFigure;
  rules: number;
  runs: Sample[];
  unavailable: string | null;
}

const TITLES: Record<SignatureFigure, string> = {
  engine: 'SignatureEngine.inspect (engine only: packets decoded and flow keys made before the clock)',
  'decode-engine': 'decodePacket + flowKey + SignatureEngine.inspect',
  prefilter: 'WuManberMatcher.scan over each TCP/UDP payload (the engine\'s prefilter alone)',
  ac: 'AhoCorasickMatcher.scan over each TCP/UDP payload (the former prefilter alone)',
  grep: 'LC_ALL=C grep -c -F -f PATTERNS PAYLOADS (GNU grep, same payload bytes one per line)',
  suricata: 'suricata -r PCAP -S RULES -k none --runmode single (wall, start-up and rule loading included)',
};

const log = (line: string) => console.log(line);

function git(root: string, args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function versionOf(command: string, args: string[]): string | null {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).split('\n')[0].trim() : null;
}

// Suricata's address groups as test/cases/signatures/run-suricata.sh pins them.
const SURICATA_SET = ['--set', 'vars.address-groups.HOME_NET=[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]', '--set', 'vars.address-groups.EXTERNAL_NET=!$HOME_NET'];

async function main(): Promise<void> {
  const args = parseSignaturesBenchArgs(process.argv.slice(2));
  const started = new Date();
  const loadStart = loadavg();
  const t0 = process.hrtime.bigint();
  const cwd = process.cwd();
  const root = repoRoot();
  process.chdir(root);
  const rel = (p: string) => relative(root, p) || '.';
  const pin = new Pinning(args.cpu);
  const workload = ensureSignatureWorkload(args.capture, { ...SIGNATURE_WORKLOAD_DEFAULTS, payloadBytes: args.payloadBytes }, log);
  const ruleDir = join(dirname(args.capture), 'signature-rules');
  mkdirSync(ruleDir, { recursive: true });
  const sets = args.rules.map((n) => {
    const set = generateRuleSet(n);
    const name = args.httpRules > 0 ? `content-${n}+http${args.httpRules}` : `content-${n}`;
    const rules = join(ruleDir, `${name}.rules`);
    const patterns = join(ruleDir, `content-${n}.patterns.txt`);
    writeFileSync(rules, set.text + generateHttpRules(args.httpRules));
    writeFileSync(patterns, set.patterns);
    return { n, httpRules: args.httpRules, rules, patterns, nocase: set.rules.filter((r) => r.nocase).length, indicators: indicatorCount(n), udp: set.rules.filter((r) => r.protocol === 'udp').length };
  });
  const wants = (f: SignatureFigure) => args.only.includes(f);
  const suricataVersion = wants('suricata') ? versionOf('suricata', ['-V']) : null;
  const grepVersion = versionOf('grep', ['--version']);
  const childJs = join(__dirname, 'signature-child.js');
  const env = { ...process.env, UV_THREADPOOL_SIZE: '1' };

  const cells: Cell[] = [];
  for (const s of sets) {
    for (const f of args.only) {
      const unavailable = f === 'suricata' && suricataVersion === null ? 'suricata not found' : f === 'grep' && grepVersion === null ? 'grep not found' : null;
      cells.push({ figure: f, rules: s.n, runs: [], unavailable });
    }
  }

  const runChild = (mode: 'prefilter' | 'ac' | 'engine' | 'decode-engine', set: (typeof sets)[number]): Sample => {
    const [cmd, argv] = pin.argv(process.execPath, [childJs, mode, workload.pcap, set.rules, String(args.passes)]);
    const r = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${mode} ${set.n} rules: exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-2000)}`);
    const c = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildSample;
    if (c.parseErrors > 0 || c.rules !== set.n) throw new Error(`${mode}: ${c.rules} of ${set.n} rules parsed, ${c.parseErrors} errors`);
    return { seconds: c.seconds, cpuSeconds: c.cpuSeconds, bytes: c.payloadBytes, packets: mode === 'ac' || mode === 'prefilter' ? c.payloadPackets : c.packets, matches: c.matches, matchedPackets: c.matchedPackets, loadSeconds: c.loadSeconds, ...(c.passes ? { cold: c.passes[0] } : {}), child: c };
  };
  const runGrep = (set: (typeof sets)[number]): Sample => {
    // grep exits 1 when no line matches; that is a result, not a failure
    const r = pin.spawnTimed('sh', ['-c', 'LC_ALL=C grep -c -F -f "$0" "$1"; rc=$?; [ $rc -le 1 ]', set.patterns, workload.payloads]);
    const lines = Number(r.stdout.trim());
    return { seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, bytes: workload.payloadFileBytes, packets: workload.stats.payloadFrames, matches: null, matchedPackets: lines };
  };
  const runSuricata = (set: (typeof sets)[number]): Sample => {
    const dir = mkdtempSync(join(tmpdir(), 'sig-bench-suricata-'));
    try {
      const startup = pin.spawnTimed('suricata', ['-T', '-S', set.rules, '-l', dir, '-k', 'none', ...SURICATA_SET]);
      const r = pin.spawnTimed('suricata', ['-r', workload.pcap, '-S', set.rules, '-l', dir, '-k', 'none', '--runmode', 'single', ...SURICATA_SET, '-v']);
      const loaded = /(\d+) rules successfully loaded, (\d+) rules failed/.exec(r.stdout);
      if (loaded === null || Number(loaded[2]) !== 0 || Number(loaded[1]) !== set.n) throw new Error(`suricata: rules not all loaded: ${loaded?.[0] ?? r.stdout.slice(-1000)}`);
      const fast = existsSync(join(dir, 'fast.log')) ? readFileSync(join(dir, 'fast.log'), 'utf8').split('\n').filter((l) => l !== '').length : 0;
      return { seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, bytes: workload.stats.payloadBytes, packets: workload.stats.frames, matches: fast, matchedPackets: null, startupSeconds: startup.wallSeconds };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  for (let round = 1; round <= args.repeat; round++) {
    for (const set of sets) {
      const mine = cells.filter((c) => c.rules === set.n && c.unavailable === null);
      // rotate which figure goes first, so none always runs right after another
      const order = [...mine.slice((round - 1) % Math.max(1, mine.length)), ...mine.slice(0, (round - 1) % Math.max(1, mine.length))];
      for (const cell of order) {
        let s: Sample;
        try {
          s = cell.figure === 'grep' ? runGrep(set) : cell.figure === 'suricata' ? runSuricata(set) : runChild(cell.figure, set);
        } catch (err) {
          cell.unavailable = `round ${round}: ${err instanceof Error ? err.message : String(err)}`;
          cell.runs = [];
          log(`${cell.figure} ${set.n} rules: not measured: ${cell.unavailable}`);
          continue;
        }
        cell.runs.push(s);
        log(`round ${round}/${args.repeat}  ${String(set.n).padStart(5)} rules  ${cell.figure.padEnd(13)} ${(s.bytes / MB / s.seconds).toFixed(1).padStart(8)} MB/s${s.cold ? ` (cold pass ${(s.bytes / MB / s.cold.seconds).toFixed(1)})` : ''}  ${s.packets === null ? '' : `${si(s.packets / s.seconds)} packets/s`}  ${s.seconds.toFixed(2)} s${s.loadSeconds === undefined ? '' : `  load ${s.loadSeconds.toFixed(2)} s`}${s.startupSeconds === undefined ? '' : `  start-up ${s.startupSeconds.toFixed(2)} s`}  matches ${s.matches ?? '-'} matched packets/lines ${s.matchedPackets ?? '-'}`);
      }
    }
  }

  const figuresOf = (c: Cell) => ({
    mbPerSecond: figure('MB/s', c.runs.map((r) => r.bytes / MB / r.seconds)),
    // per second of the process's own CPU time: what a core gives when nothing else runs on it
    // (on a loaded machine the wall-clock figure also counts the time other work had the CPU)
    mbPerCpuSecond: figure('MB/CPU s', c.runs.map((r) => r.bytes / MB / r.cpuSeconds)),
    packetsPerSecond: c.runs[0].packets === null ? null : figure('packets/s', c.runs.map((r) => r.packets! / r.seconds)),
    seconds: figure('s', c.runs.map((r) => r.seconds)),
    ...(c.runs[0].cold !== undefined ? {
      coldMbPerSecond: figure('MB/s', c.runs.map((r) => r.bytes / MB / r.cold!.seconds)),
      coldMbPerCpuSecond: figure('MB/CPU s', c.runs.map((r) => r.bytes / MB / r.cold!.cpuSeconds)),
    } : {}),
    // below 1: the pinned CPU was shared with other work during the run (taskset pins, it does not reserve)
    cpuShare: figure('cpu s / wall s', c.runs.map((r) => r.cpuSeconds / r.seconds)),
    ...(c.runs[0].loadSeconds !== undefined ? { loadSeconds: figure('s', c.runs.map((r) => r.loadSeconds!)) } : {}),
    ...(c.runs[0].startupSeconds !== undefined ? { startupSeconds: figure('s', c.runs.map((r) => r.startupSeconds!)) } : {}),
  });
  const find = (f: SignatureFigure, n: number) => cells.find((c) => c.figure === f && c.rules === n && c.runs.length > 0);
  const ratio = (c: Cell, base: Cell | undefined): Figure | null => {
    if (base === undefined || base.runs.length !== c.runs.length) return null;
    return figure('×', c.runs.map((r, i) => (r.bytes / r.seconds) / (base.runs[i].bytes / base.runs[i].seconds)));
  };
  const results = cells.map((c) => ({
    figure: c.figure, rules: c.rules, title: TITLES[c.figure], unavailable: c.unavailable,
    ...(c.runs.length > 0 ? {
      ...figuresOf(c),
      vsGrep: c.figure === 'grep' ? null : ratio(c, find('grep', c.rules)),
      matches: c.runs.at(-1)!.matches, matchedPacketsOrLines: c.runs.at(-1)!.matchedPackets,
      engineStats: c.runs.at(-1)!.child?.stats ?? null,
      distinct: c.runs.at(-1)!.child?.distinct ?? null,
    } : {}),
    runs: c.runs.map(({ child, ...r }) => ({ ...r, ...(child ? { maxRssBytes: child.maxRssBytes, parseErrors: child.parseErrors } : {}) })),
  }));
  const checks = (['engine', 'decode-engine'] as SignatureFigure[]).flatMap((f) => {
    const c = find(f, TARGET_RULES);
    if (c === undefined) return [];
    const x = figuresOf(c);
    const v = x.mbPerSecond.median;
    const cold = x.coldMbPerSecond?.median ?? null;
    return [{
      figure: f, rules: TARGET_RULES, mbPerSecond: v, met: v >= TARGET_MB_PER_SECOND, mbPerCpuSecond: x.mbPerCpuSecond.median, metPerCpuSecond: x.mbPerCpuSecond.median >= TARGET_MB_PER_SECOND,
      coldMbPerSecond: cold, coldMet: cold === null ? null : cold >= TARGET_MB_PER_SECOND,
    }];
  });
  const target = {
    target: `>= ${TARGET_MB_PER_SECOND} MB/s of payload per core with ${TARGET_RULES} content rules`,
    checks,
    met: checks.length > 0 ? checks.every((c) => c.met) : null,
    rule: args.passes > 1
      ? `met when the median over rounds of the steady state (pass ${args.passes} of ${args.passes} in each process) reaches the target for every measured check (engine only, decode + engine); the cold pass (pass 1) is reported beside it, not judged`
      : 'met when the median over rounds of the single (cold) pass reaches the target for every measured check (engine only, decode + engine)',
  };
  const cpu = cpus()[0];
  const report = {
    schema: 'hybrid-ids/bench/signatures-bench/1',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    totalSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
    command: `node ${rel(__filename)} ${process.argv.slice(2).join(' ')}`.trim(),
    git: { commit: git(root, ['rev-parse', 'HEAD']), dirty: (git(root, ['status', '--porcelain']) ?? '') !== '' },
    machine: {
      cpuModel: cpu?.model ?? null, cores: cpus().length, pinnedToCpu: pin.cpu,
      pinning: pin.cpu === null ? 'none (taskset not found): figures are not per core' : `taskset -c ${pin.cpu}: every measured process, all its threads`,
      kernel: release(), memoryBytes: totalmem(),
      loadAverage: { note: '1, 5 and 15 min load averages; above the core count, other work shared the CPUs', start: loadStart, end: loadavg() },
    },
    versions: { node: process.version, grep: grepVersion, suricata: suricataVersion },
    workload: {
      pcap: workload.pcap, payloads: workload.payloads, ...workload.stats, payloadFileBytes: workload.payloadFileBytes,
      generated: workload.generated, generationSeconds: workload.generationSeconds,
      correspondence: 'payload file: one line per frame with a TCP/UDP payload, in capture order, its bytes with LF replaced by CR, then LF; no pattern contains CR or LF. grep MB/s is of the file (payload bytes + one LF per payload); the others of payload bytes',
    },
    ruleSets: sets.map((s) => ({ rules: s.n, httpRules: s.httpRules, file: s.rules, patterns: s.patterns, nocase: s.nocase, udpRules: s.udp, indicatorRules: s.indicators })),
    method: {
      figures: TITLES,
      repeat: args.repeat,
      passes: args.passes,
      mb: '10^6 bytes',
      timing: 'engine, decode-engine, prefilter, ac: process.hrtime.bigint around the loop in a fresh pinned process (capture read into memory before, rules loaded before: loadSeconds); grep and suricata: spawn to exit',
      matches: 'engine: alerts (one per rule per packet) and packets with an alert; prefilter, ac: pattern occurrences and payloads with one; grep: matching lines (grep -c); suricata: fast.log lines. grep matches nocase patterns case-sensitively and has no per-protocol rules, so its count differs',
    },
    target,
    results,
  };
  const out = resolve(cwd, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');

  log('');
  log(`load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (${cpus().length} CPUs); ${report.machine.cpuModel}, ${report.machine.pinning}`);
  log(`node ${process.version}, ${grepVersion ?? 'no grep'}, ${suricataVersion ?? 'no Suricata'}; workload ${workload.stats.frames} frames, ${(workload.stats.payloadBytes / MB).toFixed(1)} MB of payload in ${workload.stats.payloadFrames} payloads; median (min–max) of ${args.repeat}${args.passes > 1 ? `; engine, decode-engine, prefilter, ac: pass ${args.passes} of ${args.passes} in each process (steady state), pass 1 (cold: V8 compiling the hot code) beside it` : ''}`);
  log('');
  log('| rules | figure | MB/s | cold pass MB/s | MB per CPU s | packets/s | vs grep (MB/s, paired) | CPU / wall | load / start-up s | matches |');
  log('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of sets) {
    for (const f of args.only) {
      const c = find(f, s.n);
      if (c === undefined) continue;
      const x = figuresOf(c);
      const r = results.find((y) => y.figure === f && y.rules === s.n)!;
      const vs = 'vsGrep' in r && r.vsGrep ? `${r.vsGrep.median.toFixed(2)}×` : '';
      const load = x.loadSeconds ? x.loadSeconds.median.toFixed(2) : x.startupSeconds ? `${x.startupSeconds.median.toFixed(2)} (suricata -T)` : '';
      const m = c.runs.at(-1)!;
      const matchText = f === 'grep' ? `${m.matchedPackets} lines` : f === 'suricata' ? `${m.matches} alerts` : f === 'ac' || f === 'prefilter' ? `${m.matches} occurrences in ${m.matchedPackets} payloads` : `${m.matches} alerts in ${m.matchedPackets} packets`;
      const cold = x.coldMbPerSecond ? `${x.coldMbPerSecond.median.toFixed(1)} (${x.coldMbPerSecond.min.toFixed(1)}–${x.coldMbPerSecond.max.toFixed(1)})` : '';
      log(`| ${s.n} | ${f} | ${x.mbPerSecond.median.toFixed(1)} (${x.mbPerSecond.min.toFixed(1)}–${x.mbPerSecond.max.toFixed(1)}) | ${cold} | ${x.mbPerCpuSecond.median.toFixed(1)} | ${x.packetsPerSecond ? si(x.packetsPerSecond.median) : ''} | ${vs} | ${x.cpuShare.median.toFixed(2)} | ${load} | ${matchText} |`);
    }
  }
  log('');
  log(`target ${target.target}: ${target.met === null ? 'not measured' : target.met ? 'met' : 'NOT met'}`);
  for (const c of checks) log(`  ${c.figure}: ${c.mbPerSecond.toFixed(1)} MB/s ${c.met ? 'met' : 'not met'}; ${c.mbPerCpuSecond.toFixed(1)} MB per CPU second ${c.metPerCpuSecond ? 'met' : 'not met'}${c.coldMbPerSecond === null ? '' : `; cold pass ${c.coldMbPerSecond.toFixed(1)} MB/s (${c.coldMet ? 'at or above' : 'below'} the target, not judged)`}`);
  for (const c of cells.filter((x) => x.unavailable !== null)) log(`not measured: ${c.figure} ${c.rules} rules: ${c.unavailable}`);
  log(`wrote ${rel(out)} in ${report.totalSeconds.toFixed(0)} s`);
}

main().catch((err: unknown) => {
  console.error(`signatures bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
