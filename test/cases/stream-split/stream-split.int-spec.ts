// Suricata 7, the oracle, over test/cases/stream-split: its per-sid alert counts with stream.rules
// must equal expected.json, which stream-split.spec.ts holds the signature engine to.
// Needs `suricata` on PATH; nothing else runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('Suricata oracle over test/cases/stream-split', () => {
  it('counts the alerts expected.json holds', () => {
    const out = mkdtempSync(join(tmpdir(), 'ids-stream-split-'));
    try {
      execFileSync('suricata', ['-r', join(__dirname, 'capture.pcap'), '-S', join(__dirname, 'stream.rules'), '-l', out, '-k', 'none', '--runmode', 'single', '--init-errors-fatal', '-v'], {
        timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(readFileSync(join(out, 'suricata.log'), 'utf8')).toContain('6 rules successfully loaded, 0 rules failed');
      const counts: Record<string, number> = {};
      for (const line of readFileSync(join(out, 'eve.json'), 'utf8').split('\n')) {
        if (line === '') continue;
        const event = JSON.parse(line) as { event_type: string; alert?: { signature_id: number } };
        if (event.event_type === 'alert' && event.alert) counts[event.alert.signature_id] = (counts[event.alert.signature_id] ?? 0) + 1;
      }
      expect(counts).toEqual(JSON.parse(readFileSync(join(__dirname, 'expected.json'), 'utf8')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
