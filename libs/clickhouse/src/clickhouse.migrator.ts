import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseQueryError } from './clickhouse-query.error';
import { runStatement, selectRows } from './clickhouse-statements';
import { insertRows } from './clickhouse-writer';
import { defaultMigrationsDir, loadMigrations, renderStatement, type Migration } from './migration-files';
import { formatVersion, MigrationChecksumMismatchError, MigrationFailedError, MigrationNotFoundError } from './migration.errors';
import { quoteIdentifier } from './sql-identifier';

export interface MigrateOptions {
  /** Folder of the `NNNN_name.sql` files; `libs/clickhouse/migrations` of this repo by default. */
  migrationsDir?: string;
}

interface AppliedRow {
  version: number | string;
  name: string;
  checksum: string;
}

/** Name of the table that records applied migrations, in the migrated database. */
export const SCHEMA_MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Brings `database` up to the latest migration: creates the database and `schema_migrations`
 * when missing, checks every applied migration against its file (refusing with
 * MigrationChecksumMismatchError or MigrationNotFoundError before anything runs), then applies
 * the pending ones in version order, recording each after its last statement succeeded.
 * Resolves to the migrations this call applied, as `NNNN_name`, in order; idempotent: a second
 * call applies nothing and resolves to []. Statements use `IF NOT EXISTS`, so a migration
 * interrupted half way (or run by two processes at once) is simply completed by the next call.
 */
export async function migrate(client: ClickHouseClient, database: string, options: MigrateOptions = {}): Promise<string[]> {
  const db = quoteIdentifier(database);
  const dir = options.migrationsDir ?? defaultMigrationsDir();
  const migrations = loadMigrations(dir);

  await runStatement(client, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await runStatement(client, `CREATE TABLE IF NOT EXISTS ${db}.${SCHEMA_MIGRATIONS_TABLE} (
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime DEFAULT now()
  ) ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`);
  const recorded = await selectRows<AppliedRow>(client, `SELECT version, name, checksum FROM ${db}.${SCHEMA_MIGRATIONS_TABLE} FINAL ORDER BY version`);

  const appliedVersions = new Set<number>();
  for (const row of recorded) {
    const version = Number(row.version);
    const migration = migrations.find((m) => m.version === version);
    if (!migration) throw new MigrationNotFoundError(database, version, row.name, dir);
    if (migration.checksum !== row.checksum) {
      throw new MigrationChecksumMismatchError(database, version, migration.name, row.checksum, migration.checksum);
    }
    appliedVersions.add(version);
  }

  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !appliedVersions.has(m.version))) {
    await apply(client, database, migration);
    applied.push(`${formatVersion(migration.version)}_${migration.name}`);
  }
  return applied;
}

async function apply(client: ClickHouseClient, database: string, migration: Migration): Promise<void> {
  try {
    for (const statement of migration.statements) {
      await runStatement(client, renderStatement(statement, database));
    }
    await insertRows(client, `${database}.${SCHEMA_MIGRATIONS_TABLE}`, [
      { version: migration.version, name: migration.name, checksum: migration.checksum },
    ]);
  } catch (error) {
    if (error instanceof ClickHouseQueryError) throw new MigrationFailedError(database, migration.version, migration.name, error);
    throw error;
  }
}
