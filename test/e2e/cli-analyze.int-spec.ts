import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// `ids analyze` as a user runs it (the compiled bin, from the repository root): both layers by
// default (the shipped rules/ and models/), each can be left out or pointed elsewhere.
const IDS = join(repoRoot(), 'bin', 'ids.js');
const CAPTURE = join(repoRoot(), 'test', 'cases', 'signatures', 'web-sqli', 'attack.pcap');

function analyze(...args: string[]): { status: number | null; alerts: Record<string, number>; stderr: string } {
  const r = spawnSync(process.execPath, [IDS, 'analyze', CAPTURE, '--json', ...args], { encoding: 'utf8', cwd: repoRoot() });
  const summary = r.status === 0 ? JSON.parse(r.stdout) as { alertsByMethod: Record<string, number> } : null;
  return { status: r.status, alerts: summary?.alertsByMethod ?? {}, stderr: r.stderr };
}

describe('ids analyze: signature rules and models', () => {
  it('runs the shipped rules and the models by default, and fuses their verdicts', () => {
    const r = analyze();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/rules: 27 loaded from rules, 0 skipped/);
    expect(r.alerts).toEqual({ signature: 4, hybrid: 4 });
  });

  it('leaves the signature engine out with --no-rules', () => {
    const r = analyze('--no-rules');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/rules:/);
    expect(r.alerts).toEqual({ ml: 4 });
  });

  it('takes HOME_NET from --home-net: the web rules protect $HOME_NET only', () => {
    const r = analyze('--home-net', '[192.0.2.0/24]');
    expect(r.status).toBe(0);
    expect(r.alerts).toEqual({ ml: 4 });
  });

  it('writes the signature engine\'s own alerts to eve.json beside the fused ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-analyze-'));
    const r = analyze('-l', dir);
    expect(r.status).toBe(0);
    const lines = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event_type: string; detection?: { method: string } });
    expect(lines('eve.json').filter((e) => e.event_type === 'alert')).toHaveLength(Number(/signatures: (\d+) alert/.exec(r.stderr)?.[1]));
    expect(lines('alerts.json').map((a) => a.detection?.method).sort()).toEqual(['hybrid', 'hybrid', 'hybrid', 'hybrid', 'signature', 'signature', 'signature', 'signature']);
  });
});
