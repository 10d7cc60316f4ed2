import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';

// Jest runs TypeScript through SWC, which strips types without checking them: the compiler and
// the linter (with its layer rules) run here so that `make test` fails on what they find.
const bin = (name: string) => join(repoRoot(), 'node_modules', '.bin', name);

describe('static checks', () => {
  it('tsc --noEmit finds no type error in apps, libs and tests', () => {
    const r = spawnSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: repoRoot(), encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);

  it('eslint finds no problem (layer imports included)', () => {
    const r = spawnSync(bin('eslint'), ['.'], { cwd: repoRoot(), encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});
