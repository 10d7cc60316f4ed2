import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// The lab's labeller (python3 stdlib) on a hand-made timeline and flows.json: which flow takes
// which label. Needs only python3.
const SCRIPT = join(repoRoot(), 'tools', 'lab', 'py', 'label_flows.py');
const PY = '/usr/bin/python3';

const TIMELINE = [
  'scenario,label,family,attacker_ip,victim_ip,start,end,wire_ip',
  'syn,syn-flood,dos,10.77.0.101,10.77.0.10,100,110,10.77.0.101',
  'amp,dns-amplification,dos,10.77.0.102,10.77.0.30,120,130,10.77.0.30',
  'icmp,icmp-flood,dos,10.77.0.103,10.77.0.10,140,150,10.77.0.103',
  'icmp,icmp-flood,dos,10.77.0.200,10.77.0.10,140,150,10.77.0.200',
  'scan,tcp-connect-scan,scan,10.77.0.104,10.77.0.10,160,170,10.77.0.104',
  'benign-web,benign,benign,10.77.0.20,10.77.0.10,90,200,10.77.0.20',
  'benign-web-ben3,benign,benign,10.77.0.22,10.77.0.10,90,200,10.77.0.22',
].join('\n') + '\n';

const flow = (orig_h: string, resp_h: string, proto: string, firstS: number, lastS: number) =>
  JSON.stringify({ orig_h, orig_p: 40000, resp_h, resp_p: 80, proto, ts_us: firstS * 1e6, last_ts_us: lastS * 1e6 });

// [case, flow line, expected label, family, scenario] — grace is 5 s.
const CASES: Array<[string, string, string, string, string]> = [
  ['attacker as initiator in window', flow('10.77.0.101', '10.77.0.10', 'tcp', 101, 102), 'syn-flood', 'dos', 'syn'],
  ['attacker as responder in window', flow('10.77.0.10', '10.77.0.101', 'icmp', 105, 105), 'syn-flood', 'dos', 'syn'],
  ['late answer inside the grace', flow('10.77.0.10', '10.77.0.101', 'tcp', 114, 114.5), 'syn-flood', 'dos', 'syn'],
  ['attacker address long after its window', flow('10.77.0.101', '10.77.0.10', 'tcp', 150, 151), 'benign', 'benign', 'background'],
  ['spoofed source labelled by wire_ip', flow('10.77.0.30', '10.77.0.10', 'udp', 121, 121), 'dns-amplification', 'dos', 'amp'],
  ['real attacker address of a spoofing scenario is not a key', flow('10.77.0.102', '10.77.0.10', 'udp', 121, 121), 'benign', 'benign', 'background'],
  ['second bot address of a multi-source scenario', flow('10.77.0.200', '10.77.0.10', 'icmp', 141, 149), 'icmp-flood', 'dos', 'icmp'],
  ['benign client during an attack', flow('10.77.0.20', '10.77.0.10', 'tcp', 105, 106), 'benign', 'benign', 'benign-web'],
  ['renamed scan label', flow('10.77.0.104', '10.77.0.10', 'tcp', 165, 165), 'tcp-connect-scan', 'scan', 'scan'],
  ['third benign user', flow('10.77.0.22', '10.77.0.10', 'udp', 165, 165), 'benign', 'benign', 'benign-web-ben3'],
];

describe('label_flows.py', () => {
  let dir: string;
  let rows: string[][];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-label-'));
    writeFileSync(join(dir, 'timeline.csv'), TIMELINE);
    writeFileSync(join(dir, 'flows.json'), CASES.map((c) => c[1]).join('\n') + '\n' +
      JSON.stringify({ orig_h: 'a', orig_p: 0, resp_h: 'b', resp_p: 0, proto: 'arp', ts_us: 1, last_ts_us: 1 }) + '\n');
    const r = spawnSync(PY, [SCRIPT, join(dir, 'flows.json'), join(dir, 'timeline.csv'), join(dir, 'labels.csv'), '5'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`label_flows.py exited ${r.status}: ${r.stderr}`);
    rows = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the contract header and one row per tcp/udp/icmp flow', () => {
    expect(rows[0]!.join(',')).toBe('src_ip,src_port,dst_ip,dst_port,proto,first_ts,last_ts,label,family,scenario');
    expect(rows).toHaveLength(CASES.length + 1); // the arp "flow" is skipped
  });

  it.each(CASES.map((c, i) => [c[0], i, c[2], c[3], c[4]] as const))('%s', (_name, i, label, family, scenario) => {
    expect(rows[i + 1]!.slice(7)).toEqual([label, family, scenario]);
  });

  it('writes epoch seconds with fractions', () => {
    expect(rows[3]!.slice(5, 7)).toEqual(['114.000000', '114.500000']);
  });
});
