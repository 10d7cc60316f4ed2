import { spawnSync } from 'node:child_process';

// The patched `cap` binding (patches/cap+0.2.1.patch) against its two crashes, in a process of
// its own: a Cap whose open() failed is collected by the GC (unpatched: its destructor stopped a
// poll handle that was never initialised, and emitted an async destroy hook inside V8's weak
// callback: SIGSEGV or an abort, depending on the heap). Nothing but an unknown interface name is
// needed, so it runs anywhere libpcap does.
const SCRIPT = `
const { Cap } = require('cap');
let failed = 0;
for (let i = 0; i < 50; i++) {
  try { new Cap().open('ids-no-such-if0', '', 1024 * 1024, Buffer.alloc(65535)); } catch { failed++; }
}
global.gc();
console.log(JSON.stringify({ failed }));
`;

describe('the cap binding (patched)', () => {
  it('survives the collection of Caps whose open() failed', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000, cwd: process.cwd() });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout.trim() }).toEqual({ status: 0, signal: null, stdout: '{"failed":50}' });
  });
});
