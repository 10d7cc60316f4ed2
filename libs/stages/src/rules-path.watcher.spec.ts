import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulesPathWatcher, rulesPathSignature } from './rules-path.watcher';

describe('rulesPathSignature', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ids-rules-sig-'));
  writeFileSync(join(dir, 'a.rules'), 'x\n');

  // each case: an edit of the directory, and whether the directory's signature changes
  it.each([
    ['a non-rules file added', () => writeFileSync(join(dir, 'notes.txt'), 'n'), false],
    ['a rules file added', () => writeFileSync(join(dir, 'b.rules'), 'y\n'), true],
    ['a rules file rewritten with another size', () => writeFileSync(join(dir, 'a.rules'), 'xx\n'), true],
    ['a rules file touched', () => utimesSync(join(dir, 'a.rules'), new Date(), new Date(Date.now() + 5_000)), true],
    ['a rules file removed', () => rmSync(join(dir, 'b.rules')), true],
  ] as const)('%s', (_, edit, changes) => {
    const before = rulesPathSignature(dir);
    edit();
    expect(rulesPathSignature(dir) !== before).toBe(changes);
  });

  it('marks a missing file, so that its return is a change too', () => {
    expect(rulesPathSignature(join(dir, 'gone.rules'))).toBe(`${join(dir, 'gone.rules')}:-`);
  });
});

describe('RulesPathWatcher', () => {
  it('calls onChange once for a burst of writes, after the debounce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-rules-watch-'));
    const file = join(dir, 'a.rules');
    writeFileSync(file, '1\n');
    const watcher = new RulesPathWatcher(file, { pollIntervalMs: 10, debounceMs: 200, watch: true });
    let calls = 0;
    watcher.start(() => { calls++; });
    try {
      for (const text of ['12\n', '123\n', '1234\n']) {
        writeFileSync(file, text);
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 800));
      expect(calls).toBe(1);
    } finally {
      watcher.stop();
    }
  });
});
