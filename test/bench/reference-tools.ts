// The reference tools the embedded figures stand beside, run on the same file in the same run:
//
//   tcpdump -r FILE -w /dev/null   C, libpcap: reads every record and writes it out again; the
//                                  floor of any tool that reads a pcap on this machine
//   argus -X -r FILE -w OUT        C flow meter (Debian argus-server; -X: built-in defaults, not
//                                  /etc/argus.conf): bidirectional flow records
//   NFStream                       flow meter: libpcap + C packet parsing, flow cache in Python
//                                  (nfstream-reference.py, in .local/venv)
//   tshark -z conv,tcp -z conv,udp only when NFStream cannot run: conversations from Wireshark's
//                                  dissectors
//
// Each is pinned like the embedded measurements and timed from spawn to exit (wall-clock), with
// its CPU time beside; NFStream times itself, after its imports. Argus's figure is its CPU time
// (user + system, all threads, on the one CPU): it ends on a 1-second timer tick, so its wall
// time is the work rounded up to the next second (1.0 s wall for 0.01 s of CPU on a tiny file).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

export interface ReferenceSample {
  /** The time the figure uses: wall-clock, except Argus's (CPU time, see above). */
  seconds: number;
  /** Wall-clock from spawn to exit. */
  wallSeconds: number;
  /** User + system CPU of the process and its children (bash `times`). */
  cpuSeconds: number;
  /** Packets the tool accounted, when it says. */
  packets?: number;
  /** Flows (or flow records, or conversations) it reported. */
  flows?: number;
}

export interface ReferenceTool {
  id: string;
  /** For the table. */
  title: string;
  /** The command, as a person would type it. */
  command: string;
  description: string;
  /** Why it cannot run here, or null when it can. */
  unavailable(): string | null;
  /** Version text, for the record. */
  version(): string | null;
  run(): ReferenceSample;
}

/** Runs commands pinned to one CPU with taskset when there is one, so every figure is per core. */
export class Pinning {
  readonly cpu: number | null;

  constructor(cpu: number) {
    this.cpu = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0 ? cpu : null;
  }

  argv(command: string, args: string[]): [string, string[]] {
    return this.cpu === null ? [command, args] : ['taskset', ['-c', String(this.cpu), command, ...args]];
  }

  spawn(command: string, args: string[]): SpawnSyncReturns<string> {
    const [cmd, argv] = this.argv(command, args);
    return spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  }

  /**
   * Runs `command` (pinned) under bash, which reports its children's CPU time with `times` on
   * stderr after the command's own output.
   */
  spawnTimed(command: string, args: string[], options: { maxBuffer?: number } = {}): Timed {
    const script = '"$@"; rc=$?; times >&2; exit $rc';
    const [cmd, argv] = this.argv('bash', ['-c', script, 'bash', command, ...args]);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024 });
    const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw new Error(`${command}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${command} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-2000)}`);
    // `times` prints two lines, the shell's then its children's: "0m2.661s 0m2.697s".
    const children = r.stderr.trim().split('\n').at(-1) ?? '';
    const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(children.trim());
    if (m === null) throw new Error(`${command}: no CPU times in ${JSON.stringify(children)}`);
    const cpuSeconds = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
    return { stdout: r.stdout, wallSeconds, cpuSeconds };
  }
}

export interface Timed {
  stdout: string;
  wallSeconds: number;
  cpuSeconds: number;
}

const lastLine = (text: string | null | undefined) => (text ?? '').split('\n').reverse().find((l) => l.trim() !== '')?.trim() ?? null;
const firstLine = (text: string | null | undefined) => (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? null;

const installed = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).error === undefined;

const debianVersion = (pkg: string) => {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? `${pkg} ${r.stdout.trim()}` : null;
};

const sample = (t: Timed, extra: Partial<ReferenceSample> = {}): ReferenceSample => ({ seconds: t.wallSeconds, wallSeconds: t.wallSeconds, cpuSeconds: t.cpuSeconds, ...extra });

export function tcpdumpRead(file: string, pin: Pinning): ReferenceTool {
  return {
    id: 'tcpdump.read',
    title: 'tcpdump -r FILE -w /dev/null',
    command: `tcpdump -r ${file} -w /dev/null`,
    description: 'tcpdump (C, libpcap) reads every record and writes it to /dev/null; it does not decode',
    unavailable: () => (installed('tcpdump', ['--version']) ? null : 'tcpdump is not installed (make setup installs it)'),
    version: () => firstLine(spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).stdout),
    run: () => sample(pin.spawnTimed('tcpdump', ['-r', file, '-w', '/dev/null'])),
  };
}

export function argusFlows(file: string, pin: Pinning, out: string): ReferenceTool {
  return {
    id: 'argus.flows',
    title: 'Argus flow meter (C)',
    command: `argus -X -r ${file} -w ${out}`,
    description: 'Argus (C flow meter, Debian argus-server) writes a bidirectional record per flow (and a status record each 60 s of a long flow); timed by its CPU time (it exits on a 1 s timer tick, so wall time rounds up to the next second); records counted with ra, untimed',
    unavailable: () => (installed('argus', ['-h']) ? null : 'argus is not installed (test/bench/setup.sh installs argus-server and argus-client)'),
    version: () => debianVersion('argus-server'),
    run: () => {
      rmSync(out, { force: true });
      const t = pin.spawnTimed('argus', ['-X', '-r', file, '-w', out]);
      let flows: number | undefined;
      if (existsSync(out) && installed('ra', ['-h'])) {
        // ra prints a title line, then a line per record; management records have proto "man".
        const r = spawnSync('ra', ['-r', out, '-n', '-s', 'proto'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
        if (r.status === 0) flows = r.stdout.split('\n').slice(1).filter((l) => l.trim() !== '' && l.trim() !== 'man').length;
      }
      rmSync(out, { force: true });
      return sample(t, { seconds: t.cpuSeconds, flows });
    },
  };
}

export function nfstreamFlows(file: string, pin: Pinning, python: string, script: string): ReferenceTool {
  return {
    id: 'nfstream.flows',
    title: 'NFStream flow meter (C parsing, Python flow loop)',
    command: `${python} ${script} ${file}  # NFStreamer(source, statistical_analysis=False, n_dissections=0, n_meters=1)`,
    description: 'NFStream 6 (libpcap and packet parsing in C, flow cache and per-packet loop in Python), one meter, no nDPI dissection, no statistics; timed inside, after its imports',
    unavailable: () => {
      if (!existsSync(python)) return `${python} is missing (make setup creates the venv)`;
      const r = spawnSync(python, ['-c', 'import nfstream'], { encoding: 'utf8' });
      return r.status === 0 ? null : `import nfstream failed: ${lastLine(r.stderr) ?? r.error?.message} (test/bench/setup.sh installs it)`;
    },
    version: () => firstLine(spawnSync(python, ['-c', 'import nfstream; print("nfstream", nfstream.__version__)'], { encoding: 'utf8' }).stdout),
    run: () => {
      const t = pin.spawnTimed(python, [script, file]);
      // NFStream prints a warning line of its own when pinned to one CPU; the result is the last line.
      const line = t.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (line === undefined) throw new Error(`nfstream-reference.py printed no result: ${t.stdout.slice(-500)}`);
      const result = JSON.parse(line) as { flows: number; packets: number; seconds: number };
      return sample(t, { seconds: result.seconds, packets: result.packets, flows: result.flows });
    },
  };
}

export function tsharkConversations(file: string, pin: Pinning): ReferenceTool {
  return {
    id: 'tshark.conv',
    title: 'tshark conversations (TCP, UDP)',
    command: `tshark -r ${file} -q -z conv,tcp -z conv,udp`,
    description: "tshark (Wireshark's dissectors) counts TCP and UDP conversations; the fallback when NFStream cannot run",
    unavailable: () => (installed('tshark', ['--version']) ? null : 'tshark is not installed (make setup installs it)'),
    version: () => firstLine(spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout),
    run: () => {
      const t = pin.spawnTimed('tshark', ['-r', file, '-q', '-z', 'conv,tcp', '-z', 'conv,udp'], { maxBuffer: 512 * 1024 * 1024 });
      return sample(t, { flows: t.stdout.split('\n').filter((l) => l.includes('<->')).length });
    },
  };
}
