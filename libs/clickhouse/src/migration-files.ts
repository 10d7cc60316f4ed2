import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MigrationFileInvalidError } from './migration.errors';
import { quoteIdentifier } from './sql-identifier';
import { splitSqlScript } from './sql-script.splitter';

/** A versioned migration file, `NNNN_name.sql`, read and split into statements. */
export interface Migration {
  version: number;
  name: string;
  file: string;
  /** sha256 (hex) of the file with line endings normalised to \n. */
  checksum: string;
  /** Statements in file order, still holding the `${database}` placeholder. */
  statements: string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * `libs/clickhouse/migrations` of the repo this code runs from. Found by walking up from this
 * file to the folder that holds both `package.json` and `libs/`, which works from
 * `libs/clickhouse/src` (ts, jest) and from the compiled `dist/libs/clickhouse/src` alike.
 */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && isDirectory(join(dir, 'libs'))) {
      return join(dir, 'libs', 'clickhouse', 'migrations');
    }
    if (dirname(dir) === dir) throw new MigrationFileInvalidError(__dirname, 'no folder above holds package.json and libs/');
  }
}

/** Every migration of `dir`, sorted by version; each file is checked before any is applied. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  if (!isDirectory(dir)) throw new MigrationFileInvalidError(dir, 'no such folder');
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationFileInvalidError(join(dir, file), 'name must be NNNN_lower_snake_name.sql');
    const version = Number(match[1]);
    const previous = migrations.find((m) => m.version === version);
    if (previous) throw new MigrationFileInvalidError(join(dir, file), `version ${match[1]} is also used by ${previous.file}`);
    const text = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    migrations.push({
      version,
      name: match[2],
      file,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: parseStatements(join(dir, file), text),
    });
  }
  return migrations;
}

/** A statement of a migration with `${database}` replaced by the back-quoted database name. */
export function renderStatement(statement: string, database: string): string {
  const quoted = quoteIdentifier(database);
  return statement.replace(PLACEHOLDER, () => quoted);
}

function parseStatements(path: string, text: string): string[] {
  let statements: string[];
  try {
    statements = splitSqlScript(text);
  } catch (error) {
    throw new MigrationFileInvalidError(path, (error as Error).message);
  }
  if (statements.length === 0) throw new MigrationFileInvalidError(path, 'holds no statement');
  for (const statement of statements) {
    for (const [, name] of statement.matchAll(PLACEHOLDER)) {
      if (name !== 'database') throw new MigrationFileInvalidError(path, `unknown placeholder \${${name}} (only \${database} exists)`);
    }
  }
  return statements;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
