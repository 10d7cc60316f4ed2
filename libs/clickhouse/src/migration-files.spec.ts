import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMigrationsDir, loadMigrations, renderStatement } from './migration-files';
import { MigrationFileInvalidError } from './migration.errors';
import { SqlIdentifierInvalidError } from './sql-identifier-invalid.error';

describe('loadMigrations', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ids-migrations-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the repo migrations from the source tree, in version order', () => {
    expect(defaultMigrationsDir()).toMatch(/libs[/\\]clickhouse[/\\]migrations$/);
    const migrations = loadMigrations();
    expect(migrations.map((m) => `${m.version}_${m.name}`)).toEqual(['1_flows', '2_alerts', '3_statistics', '4_flow_stats']);
    expect(migrations.every((m) => /^[0-9a-f]{64}$/.test(m.checksum))).toBe(true);
    expect(migrations[2].statements).toHaveLength(3);
  });

  it('sorts by version, checksums content with normalised line endings, ignores other files', () => {
    writeFileSync(join(dir, '0002_b.sql'), 'SELECT 2;\r\n');
    writeFileSync(join(dir, '0001_a.sql'), 'SELECT 1;\n');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    const [a, b] = loadMigrations(dir);
    expect([a.version, b.version]).toEqual([1, 2]);
    writeFileSync(join(dir, '0002_b.sql'), 'SELECT 2;\n');
    expect(loadMigrations(dir)[1].checksum).toBe(b.checksum);
    writeFileSync(join(dir, '0002_b.sql'), 'SELECT 3;\n');
    expect(loadMigrations(dir)[1].checksum).not.toBe(b.checksum);
  });

  it.each([
    { files: { '1_short.sql': 'SELECT 1' }, reason: /name must be NNNN_lower_snake_name.sql/ },
    { files: { '0001_a.sql': 'SELECT 1', '0001_b.sql': 'SELECT 1' }, reason: /version 0001 is also used by 0001_a.sql/ },
    { files: { '0001_a.sql': '-- nothing' }, reason: /holds no statement/ },
    { files: { '0001_a.sql': "SELECT 'open" }, reason: /unterminated/ },
    { files: { '0001_a.sql': 'CREATE TABLE ${db}.x (a UInt8) ENGINE = Memory' }, reason: /unknown placeholder \$\{db\}/ },
  ])('refuses $reason', ({ files, reason }) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    expect(() => loadMigrations(dir)).toThrow(MigrationFileInvalidError);
    expect(() => loadMigrations(dir)).toThrow(reason);
  });
});

describe('renderStatement', () => {
  it('puts the back-quoted database in place of ${database}', () => {
    expect(renderStatement('CREATE TABLE ${database}.t AS ${database}.u', 'ids_1')).toBe('CREATE TABLE `ids_1`.t AS `ids_1`.u');
  });

  it('refuses a database name that is not a plain identifier', () => {
    expect(() => renderStatement('SELECT 1', 'ids`; DROP')).toThrow(SqlIdentifierInvalidError);
  });
});
