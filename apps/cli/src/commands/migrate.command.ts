import type { Command } from 'commander';
import { loadConfig } from '@ids/config';
import { createClickHouseClient, migrate } from '@ids/clickhouse';

export function registerMigrate(program: Command): void {
  program.command('migrate')
    .description('Create or upgrade the ClickHouse tables and views (versioned migrations).')
    .action(async () => {
      const config = loadConfig();
      const client = createClickHouseClient(config.clickhouse);
      try {
        const applied = await migrate(client, config.clickhouse.database);
        process.stdout.write(`${config.clickhouse.database}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
      } finally {
        await client.close();
      }
    });
}
