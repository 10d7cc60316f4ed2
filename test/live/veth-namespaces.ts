import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Two network namespaces joined by a veth link, made for one test run and removed after it:
 *
 *   <a.ns>: <a.veth> 10.99.X.1/30  ──veth──  <b.veth> 10.99.X.2/30 :<b.ns>
 *
 * Quiet on purpose, so a capture sees only the traffic a test makes: IPv6 is off (no neighbour
 * discovery, MLD or router solicitations) and each side has a permanent neighbour entry for the
 * other (no ARP). Names carry a random suffix; `destroy` removes only what `create` made.
 */
export class VethNamespaces {
  readonly a: { ns: string; veth: string; ip: string; mac: string };
  readonly b: { ns: string; veth: string; ip: string; mac: string };
  /** A second veth pair inside namespace a, left down. */
  readonly downInterface: string;
  private readonly children = new Set<ChildProcess>();
  private made: string[] = [];

  private constructor(suffix: string, subnet: number) {
    this.a = { ns: `ids-live-a-${suffix}`, veth: `idsa${suffix}`, ip: `10.99.${subnet}.1`, mac: '02:00:00:00:99:01' };
    this.b = { ns: `ids-live-b-${suffix}`, veth: `idsb${suffix}`, ip: `10.99.${subnet}.2`, mac: '02:00:00:00:99:02' };
    this.downInterface = `idsd${suffix}`;
  }

  static create(): VethNamespaces {
    const n = new VethNamespaces(randomBytes(3).toString('hex'), randomBytes(1)[0]);
    try {
      n.setUp();
    } catch (error) {
      n.removeNamespaces();
      try { ip('link', 'del', n.a.veth); } catch { /* not left in this namespace */ }
      throw error;
    }
    return n;
  }

  private setUp(): void {
    const { a, b } = this;
    for (const side of [a, b]) {
      ip('netns', 'add', side.ns);
      this.made.push(side.ns);
    }
    ip('link', 'add', a.veth, 'type', 'veth', 'peer', 'name', b.veth);
    ip('link', 'set', a.veth, 'netns', a.ns);
    ip('link', 'set', b.veth, 'netns', b.ns);
    ip('-n', a.ns, 'link', 'add', this.downInterface, 'type', 'veth', 'peer', 'name', `${this.downInterface}p`);
    for (const [side, peer] of [[a, b], [b, a]] as const) {
      // (no /proc/sys/net/ipv6: the kernel has no IPv6, nothing to turn off)
      this.execSync(side.ns, 'sh', '-c', `cd /proc/sys/net/ipv6/conf 2>/dev/null || exit 0; for c in all default ${side.veth}; do echo 1 > $c/disable_ipv6; done`);
      ip('-n', side.ns, 'link', 'set', side.veth, 'address', side.mac);
      ip('-n', side.ns, 'addr', 'add', `${side.ip}/30`, 'dev', side.veth);
      ip('-n', side.ns, 'neigh', 'add', peer.ip, 'lladdr', peer.mac, 'dev', side.veth, 'nud', 'permanent');
      ip('-n', side.ns, 'link', 'set', 'lo', 'up');
      ip('-n', side.ns, 'link', 'set', side.veth, 'up');
    }
  }

  /** Runs a command inside a namespace and returns its stdout; a failure says how it ended. */
  execSync(ns: string, command: string, ...args: string[]): string {
    try {
      return execFileSync('ip', ['netns', 'exec', ns, command, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { status?: number | null; signal?: string | null; stdout?: string; stderr?: string; message: string };
      throw new Error(`in ${ns}: ${command} ended with status ${e.status ?? '-'} signal ${e.signal ?? '-'}; stdout: ${(e.stdout ?? '').slice(-1000)}; stderr: ${(e.stderr ?? '').slice(-1000)}`);
    }
  }

  /** Starts a command inside a namespace; it is killed by `destroy` if still running. */
  spawn(ns: string, command: string, args: string[], timeoutMs = 60_000): Spawned {
    // `ip netns exec` execs the command in place: the child's pid is the command's.
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const exited = new Promise<Exited>((resolve) => {
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ status, signal, stdout, stderr });
      });
    });
    const waitUntil = (done: (output: string) => boolean, what: string, ms = 15_000) => new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const check = setInterval(() => {
        if (done(stdout + stderr)) { clearInterval(check); resolve(); } else if (child.exitCode !== null || Date.now() - started > ms) {
          clearInterval(check);
          reject(new Error(`${what} did not happen (exit ${child.exitCode}); stdout: ${stdout}; stderr: ${stderr}`));
        }
      }, 20);
    });
    const waitFor = (text: string, ms?: number) => waitUntil((output) => output.includes(text), `'${text}'`, ms);
    return { child, exited, waitFor, waitUntil };
  }

  /** Kills what is still running (and waits for it), then deletes the namespaces and their links. */
  async destroy(): Promise<void> {
    await Promise.all([...this.children].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    })));
    this.removeNamespaces();
  }

  private removeNamespaces(): void {
    for (const ns of this.made.reverse()) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
    this.made = [];
  }
}

export interface Exited { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
export interface Spawned {
  child: ChildProcess;
  exited: Promise<Exited>;
  /** Until the output (stdout and stderr) contains `text`. */
  waitFor(text: string, ms?: number): Promise<void>;
  /** Until `done` accepts the output so far. */
  waitUntil(done: (output: string) => boolean, what: string, ms?: number): Promise<void>;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}
