import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, repoRoot } from '@ids/contracts';
import { allStageTopologies } from './stages';
import { topicsToApply } from './kafka-environment';
import { terraformTopics } from './terraform-topics';

// The topic registry is the single source of truth: what is derived from it must not drift.
describe('artifacts derived from the topic registry', () => {
  const topics = topicsToApply(allStageTopologies());

  it('infra/terraform/topics.tf.json is what `ids topics terraform` generates', () => {
    const committed = readFileSync(join(repoRoot(), 'infra', 'terraform', 'topics.tf.json'), 'utf8');
    expect(committed).toBe(terraformTopics(topics));
  });

  it('the README topic table lists every topic with its partitions and cleanup policy', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const rows = new Map(readme.split('\n')
      .filter((l) => /^\| `ids[.-]/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()))
      .map((c) => [c[1].replace(/`/g, ''), { partitions: Number(c[4]), cleanup: c[5] }]));
    expect(new Map(topics.map((t) => [t.name, { partitions: t.partitions, cleanup: t.cleanupPolicy }]))).toEqual(rows);
  });

  it('every changelog, and only a changelog, rolls its segments early so that compaction keeps restores short', () => {
    const rolled = topics.filter((t) => t.config?.['segment.ms'] === '600000' && t.config['segment.bytes'] === String(64 * 1024 * 1024)).map((t) => t.name);
    expect(rolled).toEqual(topics.filter((t) => t.name.endsWith('-changelog')).map((t) => t.name));
    expect(rolled.length).toBeGreaterThan(10);
  });

  it('every data topic has a schema file with a documented field for each field', () => {
    for (const t of ALL_TOPICS) {
      const schema = JSON.parse(readFileSync(join(repoRoot(), 'schemas', t.schemaFile), 'utf8'));
      expect(`${schema.namespace}.${schema.name}`).toBe(t.valueType);
      const undocumented = (fields: { name: string; doc?: string; type: unknown }[]): string[] => fields.flatMap((f) => [
        ...(f.doc ? [] : [f.name]),
        ...(typeof f.type === 'object' && f.type !== null && (f.type as { type?: string }).type === 'record' ? undocumented((f.type as { fields: never[] }).fields) : []),
      ]);
      expect({ topic: t.name, undocumented: undocumented(schema.fields) }).toEqual({ topic: t.name, undocumented: [] });
    }
  });
});
