import type { ClickHouseQueryError } from './clickhouse-query.error';

/** A migration file that cannot be used: bad name, duplicate version, unreadable SQL. */
export class MigrationFileInvalidError extends Error {
  readonly code = 'MIGRATION_FILE_INVALID';
  readonly retriable = false;

  constructor(readonly file: string, readonly reason: string) {
    super(`migration ${file}: ${reason}`);
    this.name = 'MigrationFileInvalidError';
  }
}

/** An applied migration whose file changed since: applied migrations are immutable, add a new one. */
export class MigrationChecksumMismatchError extends Error {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';
  readonly retriable = false;

  constructor(
    readonly database: string,
    readonly version: number,
    readonly migrationName: string,
    readonly appliedChecksum: string,
    readonly fileChecksum: string,
  ) {
    super(
      `migration ${formatVersion(version)}_${migrationName} was applied to database ${database} with checksum ${appliedChecksum}, `
      + `but its file now has checksum ${fileChecksum}: do not edit an applied migration, add a new one`,
    );
    this.name = 'MigrationChecksumMismatchError';
  }
}

/** The database records a migration this code does not have (applied by newer code?). */
export class MigrationNotFoundError extends Error {
  readonly code = 'MIGRATION_NOT_FOUND';
  readonly retriable = false;

  constructor(readonly database: string, readonly version: number, readonly migrationName: string, readonly migrationsDir: string) {
    super(`database ${database} records migration ${formatVersion(version)}_${migrationName}, which is not in ${migrationsDir}`);
    this.name = 'MigrationNotFoundError';
  }
}

/** A statement of a pending migration failed; the migration is not recorded as applied. */
export class MigrationFailedError extends Error {
  readonly code = 'MIGRATION_FAILED';
  readonly retriable: boolean;

  constructor(
    readonly database: string,
    readonly version: number,
    readonly migrationName: string,
    override readonly cause: ClickHouseQueryError,
  ) {
    super(`migration ${formatVersion(version)}_${migrationName} failed on database ${database}: ${cause.message}`, { cause });
    this.name = 'MigrationFailedError';
    this.retriable = cause.retriable;
  }
}

export function formatVersion(version: number): string {
  return String(version).padStart(4, '0');
}
