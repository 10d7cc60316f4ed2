import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// `ids analyze` as a user runs it (the compiled bin): bad input gives one line naming the file
// (and the byte offset where there is one), exit status 2, and never a stack trace.
const IDS = join(repoRoot(), 'bin', 'ids.js');
const dir = mkdtempSync(join(tmpdir(), 'ids-bad-input-'));
const capture = readFileSync(join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap'));

const files: [string, Buffer | null, RegExp][] = [
  ['empty.pcap', Buffer.alloc(0), /empty\.pcap: empty file \(0 bytes\)/],
  ['notes.txt', Buffer.from('these are my notes, not a capture\n'), /notes\.txt: not a pcap or pcapng capture: unknown magic at byte 0/],
  ['truncated.pcap', capture.subarray(0, 500), /truncated\.pcap: truncated: record \d+ at byte \d+ declares \d+ bytes but only \d+ remain/],
  ['header-only.pcap', capture.subarray(0, 10), /header-only\.pcap: .*truncated.*byte/],
  ['missing.pcap', null, /missing\.pcap/],
];

describe('ids analyze on bad input', () => {
  it.each(files)('%s: exit 2 and one clear line', (name, bytes, message) => {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, bytes);
    const r = spawnSync(process.execPath, [IDS, 'analyze', path], { encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['signatures', { IDS_RULES_PATH: '/nonexistent/rules' }, /^ids: ids-signatures: cannot read rules \/nonexistent\/rules/],
    ['inference', { IDS_MODELS_DIR: '/nonexistent/models' }, /^ids: ids-inference: \/nonexistent\/models\/registry\.json: .*cannot be read/],
  ])('ids run %s with an unusable input: exit 2 and one clear line', (stage, env, message) => {
    const r = spawnSync(process.execPath, [IDS, 'run', stage], { encoding: 'utf8', env: { ...process.env, ...env, IDS_HTTP_PORT: '0' }, timeout: 60_000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a good capture exits 0 with a summary on stdout', () => {
    const r = spawnSync(process.execPath, [IDS, 'analyze', join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap'), '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.packets).toBe(99);
    expect(summary.flows).toBeGreaterThan(0);
  });
});
