import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTableRows } from '@ids/config';
import { repoRoot } from '@ids/contracts';

// The README is the front door: its configuration table is generated from the declarations in
// libs/config and must not drift from them.
describe('README', () => {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');

  it('documents every configuration variable with its default', () => {
    const rows = readme.split('\n').filter((l) => /^\| `IDS_/.test(l));
    expect(rows).toEqual(configTableRows());
  });

  it('names the two commands and a not-done list', () => {
    expect(readme).toContain('make demo');
    expect(readme).toContain('make test');
    expect(readme).toMatch(/## Not done yet\n\n- /);
  });
});
