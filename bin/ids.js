#!/usr/bin/env node
// The `ids` command: runs the compiled CLI. `make setup` (or `npm run build`) builds it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`ids: ${main} is missing; run 'make setup' (or 'npm run build') first.\n`);
  process.exit(2);
}
require(main);
