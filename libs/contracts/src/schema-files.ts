import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file that holds `schemas/`. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'schemas')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (a folder with schemas/) above ${__dirname}`);
    dir = parent;
  }
}

/** Reads and parses one `.avsc` from `schemas/`. */
export function loadSchema(schemaFile: string): Record<string, unknown> {
  const path = join(repoRoot(), 'schemas', schemaFile);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
