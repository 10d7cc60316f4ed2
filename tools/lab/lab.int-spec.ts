import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// The traffic lab end to end on its smoke profile: real namespaces, real services, a real
// benign client mix and a real hping3 SYN flood, captured and labelled. Needs root,
// tools/lab/install.sh and `npm run build` (the flow extractor is bin/ids.js).
const root = repoRoot();
const RUN = join(root, 'tools', 'lab', 'run.sh');
// The labels every profile may use: the shipped rules' names, so a model's class and a rule's alert
// about the same attack carry the same name.
const RULE_LABELS = new Set([
  'syn-flood', 'udp-flood', 'icmp-flood', 'slowloris', 'dns-amplification', 'tcp-connect-scan', 'syn-scan', 'fin-scan',
  'xmas-scan', 'null-scan', 'sqli', 'xss', 'command-injection', 'path-traversal', 'file-inclusion', 'ssh-bruteforce',
  'ftp-bruteforce', 'http-auth-bruteforce', 'rdp-bruteforce',
]);
const HEADER = 'src_ip,src_port,dst_ip,dst_port,proto,first_ts,last_ts,label,family,scenario';
const FAMILIES = new Set(['benign', 'dos', 'scan', 'web', 'bruteforce']);
const PROTOS = new Set(['tcp', 'udp', 'icmp']);

interface LabelRow {
  src_ip: string; src_port: number; dst_ip: string; dst_port: number; proto: string;
  first_ts: number; last_ts: number; label: string; family: string; scenario: string;
}
interface TimelineRow {
  scenario: string; label: string; family: string; attacker_ip: string; victim_ip: string;
  start: number; end: number; wire_ip: string;
}

function readCsv(path: string): { header: string; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  return { header: lines[0] ?? '', rows: lines.slice(1).map((l) => l.split(',')) };
}

function labelRows(path: string): LabelRow[] {
  return readCsv(path).rows.map(([src_ip, src_port, dst_ip, dst_port, proto, first_ts, last_ts, label, family, scenario]) => ({
    src_ip: src_ip!, src_port: Number(src_port), dst_ip: dst_ip!, dst_port: Number(dst_port), proto: proto!,
    first_ts: Number(first_ts), last_ts: Number(last_ts), label: label!, family: family!, scenario: scenario!,
  }));
}

function timelineRows(path: string): TimelineRow[] {
  const { header, rows } = readCsv(path);
  const cols = header.split(',');
  return rows.map((r) => {
    const o = Object.fromEntries(cols.map((c, i) => [c, r[i]]));
    return { ...o, start: Number(o.start), end: Number(o.end) } as unknown as TimelineRow;
  });
}

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

describe('traffic lab, smoke profile', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  let labels: LabelRow[];
  let timeline: TimelineRow[];

  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('tools/lab needs root: it creates network namespaces (make test runs as root)');
    out = mkdtempSync(join(tmpdir(), 'lab-smoke-'));
    run = spawnSync(RUN, ['--profile', 'smoke', '--out', out], { cwd: root, encoding: 'utf8', timeout: 110_000, killSignal: 'SIGTERM' });
    if (run.status !== 0) throw new Error(`run.sh --profile smoke exited ${run.status} (${run.signal ?? ''}):\n${String(run.stdout)}\n${String(run.stderr)}`);
    labels = labelRows(join(out, 'labels.csv'));
    timeline = timelineRows(join(out, 'timeline.csv'));
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes the four files of a labelled capture', () => {
    for (const f of ['capture.pcap', 'labels.csv', 'timeline.csv', 'manifest.json']) expect(existsSync(join(out, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { profile: string; files: Record<string, { sha256: string }> };
    expect(manifest.profile).toBe('smoke');
    expect(Object.keys(manifest.files).sort()).toEqual(['capture.pcap', 'labels.csv', 'timeline.csv']);
  });

  it('the capture parses with tshark and holds the traffic', () => {
    const r = sh('tshark', ['-n', '-r', join(out, 'capture.pcap'), '-T', 'fields', '-e', 'frame.number']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(400); // the flood alone is 400 SYNs
  });

  it('labels.csv has exactly the contract header and known protocols and families', () => {
    expect(readCsv(join(out, 'labels.csv')).header).toBe(HEADER);
    expect(labels.length).toBeGreaterThan(0);
    for (const r of labels) {
      expect(FAMILIES.has(r.family)).toBe(true);
      expect(PROTOS.has(r.proto)).toBe(true);
      expect(r.label === 'benign').toBe(r.family === 'benign');
      expect(r.last_ts).toBeGreaterThanOrEqual(r.first_ts);
    }
  });

  it('uses only the shipped rules\' names as attack labels (rules/README.md)', () => {
    for (const t of timeline) if (t.family !== 'benign') expect(RULE_LABELS.has(t.label)).toBe(true);
    for (const r of labels) expect(r.label === 'benign' || RULE_LABELS.has(r.label)).toBe(true);
  });

  it("labels the attack's flows with its label and everything else benign", () => {
    const attack = timeline.find((t) => t.family !== 'benign');
    expect(attack).toMatchObject({ label: 'syn-flood', family: 'dos' });
    const fromAttacker = labels.filter((r) => r.src_ip === attack!.wire_ip || r.dst_ip === attack!.wire_ip);
    expect(fromAttacker.length).toBeGreaterThanOrEqual(390); // hping3 -c 400, one source port per SYN
    for (const r of fromAttacker) expect(r).toMatchObject({ label: 'syn-flood', family: 'dos', scenario: attack!.scenario });
    const others = labels.filter((r) => !fromAttacker.includes(r));
    expect(others.length).toBeGreaterThan(0); // the benign clients did talk
    for (const r of others) expect(r).toMatchObject({ label: 'benign', family: 'benign' });
    const benignClients = new Set(timeline.filter((t) => t.family === 'benign').map((t) => t.wire_ip));
    expect(others.some((r) => benignClients.has(r.src_ip))).toBe(true);
  });

  it('leaves no namespace, interface or process of the lab behind', () => {
    expect(sh('ip', ['netns', 'list']).stdout).not.toMatch(/idslab/);
    expect(sh('ip', ['-o', 'link']).stdout).not.toMatch(/labbr0|idslab/);
    const ps = sh('ps', ['-eo', 'args']).stdout;
    expect(ps).not.toMatch(/\/tmp\/idslab\.|hping3|benign\.sh/);
    expect(sh('id', ['idslab']).status).not.toBe(0);
  });
});
