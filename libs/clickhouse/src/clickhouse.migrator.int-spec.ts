import type { ClickHouseClient } from '@clickhouse/client';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectRows } from './clickhouse-statements';
import { migrate } from './clickhouse.migrator';
import { toAlertRow } from './alert-rows';
import { toFlowRow } from './flow-rows';
import { defaultMigrationsDir, loadMigrations } from './migration-files';
import { MigrationChecksumMismatchError, MigrationFailedError, MigrationNotFoundError } from './migration.errors';
import { dropDatabase, freshDatabaseName, testClickHouseClient } from './internal/test-database';
import { sampleAlert, sampleFlow } from './internal/sample-records';

jest.setTimeout(60_000);

describe('migrate (real ClickHouse)', () => {
  let client: ClickHouseClient;
  let database: string;
  let dir: string;

  beforeEach(() => {
    client = testClickHouseClient();
    database = freshDatabaseName();
    dir = mkdtempSync(join(tmpdir(), 'ids-migrations-'));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
  });
  afterEach(async () => {
    await dropDatabase(client, database);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tables = () => selectRows<{ name: string; engine: string }>(client, `SELECT name, engine FROM system.tables WHERE database = '${database}' ORDER BY name`);
  const columns = (table: string) => selectRows<{ name: string }>(client, `SELECT name FROM system.columns WHERE database = '${database}' AND table = '${table}'`)
    .then((rows) => rows.map((r) => r.name).sort());
  const recorded = () => selectRows<{ version: number; name: string; checksum: string }>(client, `SELECT version, name, checksum FROM ${database}.schema_migrations FINAL ORDER BY version`);

  it('creates the database, every table and view, and records each migration', async () => {
    const result = await migrate(client, database);

    expect(result).toEqual(['0001_flows', '0002_alerts', '0003_statistics', '0004_flow_stats']);
    expect(await tables()).toEqual([
      { name: 'alerts', engine: 'ReplacingMergeTree' },
      { name: 'flows', engine: 'ReplacingMergeTree' },
      { name: 'schema_migrations', engine: 'ReplacingMergeTree' },
      { name: 'statistics', engine: 'SummingMergeTree' },
      { name: 'statistics_alerts_mv', engine: 'MaterializedView' },
      { name: 'statistics_flows_mv', engine: 'MaterializedView' },
    ]);
    expect(await columns('flows')).toEqual(Object.keys(toFlowRow(sampleFlow())).sort());
    expect(await columns('alerts')).toEqual(Object.keys(toAlertRow(sampleAlert())).sort());
    expect((await recorded()).map((r) => ({ ...r, version: Number(r.version) }))).toEqual(
      loadMigrations().map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })),
    );
  });

  it('is a no-op the second time', async () => {
    await migrate(client, database);
    const second = await migrate(client, database);

    expect(second).toEqual([]);
    expect(await selectRows(client, `SELECT version FROM ${database}.schema_migrations`)).toHaveLength(4);
  });

  it('applies only a migration added since', async () => {
    await migrate(client, database, { migrationsDir: dir });
    writeFileSync(join(dir, '0099_notes.sql'), '-- a later change\nCREATE TABLE IF NOT EXISTS ${database}.notes (id UInt32) ENGINE = MergeTree ORDER BY id;\n');

    const result = await migrate(client, database, { migrationsDir: dir });

    expect(result).toEqual(['0099_notes']);
    expect((await tables()).map((t) => t.name)).toContain('notes');
  });

  it('refuses, and applies nothing, when an applied migration file changed', async () => {
    await migrate(client, database, { migrationsDir: dir });
    appendFileSync(join(dir, '0002_alerts.sql'), '\n-- edited after it was applied\n');
    writeFileSync(join(dir, '0099_notes.sql'), 'CREATE TABLE ${database}.notes (id UInt32) ENGINE = MergeTree ORDER BY id');

    const failure = migrate(client, database, { migrationsDir: dir });

    await expect(failure).rejects.toThrow(MigrationChecksumMismatchError);
    await expect(failure).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH', version: 2, migrationName: 'alerts', retriable: false });
    expect((await tables()).map((t) => t.name)).not.toContain('notes');
  });

  it('refuses a database that records a migration this code lacks', async () => {
    await migrate(client, database, { migrationsDir: dir });
    rmSync(join(dir, '0003_statistics.sql'));

    await expect(migrate(client, database, { migrationsDir: dir })).rejects.toThrow(MigrationNotFoundError);
  });

  it('does not record a migration whose statement failed, and completes it once fixed', async () => {
    await migrate(client, database, { migrationsDir: dir });
    writeFileSync(join(dir, '0099_notes.sql'), 'CREATE TABLE ${database}.notes (id UInt32) ENGINE = MergeTree ORDER BY id;\nCREAT TABLE oops;\n');

    const failure = migrate(client, database, { migrationsDir: dir });
    await expect(failure).rejects.toThrow(MigrationFailedError);
    await expect(failure).rejects.toMatchObject({ version: 99, cause: { code: '62', type: 'SYNTAX_ERROR', statement: 'CREAT TABLE oops' } });
    expect((await recorded()).map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);

    writeFileSync(join(dir, '0099_notes.sql'), 'CREATE TABLE IF NOT EXISTS ${database}.notes (id UInt32) ENGINE = MergeTree ORDER BY id;\n');
    expect(await migrate(client, database, { migrationsDir: dir })).toEqual(['0099_notes']);
  });
});
