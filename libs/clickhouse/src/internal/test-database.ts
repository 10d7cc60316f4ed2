import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseClient } from '../clickhouse-client.factory';
import { runStatement } from '../clickhouse-statements';
import { quoteIdentifier } from '../sql-identifier';

// Support for the integration tests (*.int-spec.ts), which run against the server started by
// infra/local/clickhouse.sh. Each test gets a database of its own and drops it afterwards.

export function testClickHouseClient(url = process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123'): ClickHouseClient {
  return createClickHouseClient({
    url,
    database: 'default',
    username: process.env.IDS_CLICKHOUSE_USER ?? 'default',
    password: process.env.IDS_CLICKHOUSE_PASSWORD ?? '',
    requestTimeoutMs: 20_000,
  });
}

export function freshDatabaseName(): string {
  return `ids_test_${randomBytes(6).toString('hex')}`;
}

export async function dropDatabase(client: ClickHouseClient, database: string): Promise<void> {
  await runStatement(client, `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
}
