// Suricata 7, the oracle, over every committed capture with the full shipped rule set: its alert
// counts per sid must equal expected.json (regenerate with run-suricata.sh), every shipped rule
// must fire in at least one attack capture, and no benign capture may fire anything.
// Needs `suricata` on PATH; nothing else runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_CASES } from '../../fixtures/signature-captures/signature-cases';
import { concatenatedRules, readShippedRules } from './shipped-rules';

type SidCounts = Record<string, number>;

/** The default config's address groups, pinned: a local edit of suricata.yaml cannot change the verdicts. */
const PINNED_VARS = ['--set', 'vars.address-groups.HOME_NET=[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]', '--set', 'vars.address-groups.EXTERNAL_NET=!$HOME_NET'];

/** Bounded: a capture that wedges Suricata fails the test instead of hanging the run. */
const SURICATA_TIMEOUT_MS = 60_000;

describe('Suricata oracle over test/cases/signatures', () => {
  const shipped = readShippedRules();
  let work: string;
  let rulesFile: string;
  const fired = new Map<string, SidCounts>();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ids-signatures-'));
    rulesFile = join(work, 'all.rules');
    writeFileSync(rulesFile, concatenatedRules());
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function suricataAlerts(pcap: string, label: string): SidCounts {
    const out = join(work, label);
    mkdirSync(out);
    execFileSync('suricata', ['-r', pcap, '-S', rulesFile, '-l', out, '-k', 'none', '--runmode', 'single', '--init-errors-fatal', ...PINNED_VARS, '-v'], {
      timeout: SURICATA_TIMEOUT_MS,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(readFileSync(join(out, 'suricata.log'), 'utf8')).toContain(`${shipped.length} rules successfully loaded, 0 rules failed`);
    const counts: SidCounts = {};
    for (const line of readFileSync(join(out, 'eve.json'), 'utf8').split('\n')) {
      if (line === '') continue;
      const event = JSON.parse(line) as { event_type: string; alert?: { signature_id: number } };
      if (event.event_type !== 'alert' || event.alert === undefined) continue;
      const sid = String(event.alert.signature_id);
      counts[sid] = (counts[sid] ?? 0) + 1;
    }
    return counts;
  }

  describe.each(SIGNATURE_CASES.map((c) => c.name))('%s', (name) => {
    const dir = join(__dirname, name);
    const expected = () => JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { attack: SidCounts; benign: SidCounts };

    it('attack.pcap fires exactly the expected alerts', () => {
      const counts = suricataAlerts(join(dir, 'attack.pcap'), `${name}-attack`);
      fired.set(name, counts);
      expect(counts).toEqual(expected().attack);
      expect(Object.keys(counts).length).toBeGreaterThan(0);
    }, 2 * SURICATA_TIMEOUT_MS);

    it('benign.pcap fires nothing', () => {
      const counts = suricataAlerts(join(dir, 'benign.pcap'), `${name}-benign`);
      expect(counts).toEqual({});
      expect(expected().benign).toEqual({});
    }, 2 * SURICATA_TIMEOUT_MS);
  });

  it('fires every shipped rule in at least one attack capture', () => {
    expect(existsSync(rulesFile)).toBe(true);
    // Every case ran above; a rule that fired nowhere is a rule without a capture.
    expect(fired.size).toBe(SIGNATURE_CASES.length);
    const anywhere = new Set([...fired.values()].flatMap((c) => Object.keys(c)));
    expect(shipped.map((r) => String(r.sid)).filter((sid) => !anywhere.has(sid))).toEqual([]);
    // expected.json says the same, so the engine's own tests inherit the guarantee.
    const inExpectations = new Set(SIGNATURE_CASES.flatMap((c) => Object.keys((JSON.parse(readFileSync(join(__dirname, c.name, 'expected.json'), 'utf8')) as { attack: SidCounts }).attack)));
    expect(shipped.map((r) => String(r.sid)).filter((sid) => !inExpectations.has(sid))).toEqual([]);
  });
});
