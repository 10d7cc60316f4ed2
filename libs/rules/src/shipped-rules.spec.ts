import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { parseRuleFile } from './rule-file.parser';

// rules/ (the shipped signature set) comes from another branch; once merged, every rule in it
// must be understood by this parser.
const dir = join(repoRoot(), 'rules');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.rules')) : [];

(files.length > 0 ? describe : describe.skip)('shipped rules/*.rules', () => {
  it.each(files)('%s parses without errors, family and label set', (file) => {
    const { rules, errors } = parseRuleFile(readFileSync(join(dir, file), 'utf8'), { file });
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect([r.sid, r.family, r.label === null]).toEqual([r.sid, file.replace(/\.rules$/, ''), false]);
  });
});
