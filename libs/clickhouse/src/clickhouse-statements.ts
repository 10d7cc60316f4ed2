import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseQueryError } from './clickhouse-query.error';

/** Runs a statement without a result set (DDL, `INSERT ... SELECT`, `OPTIMIZE`); failures are typed. */
export async function runStatement(client: ClickHouseClient, statement: string): Promise<void> {
  try {
    await client.command({ query: statement });
  } catch (error) {
    throw ClickHouseQueryError.from(error, statement);
  }
}

/**
 * Runs a SELECT and returns its rows as objects (format JSONEachRow, which 18.16 knows). The
 * statement must not carry a FORMAT clause. 64-bit integers arrive as strings.
 */
export async function selectRows<Row>(client: ClickHouseClient, statement: string): Promise<Row[]> {
  try {
    const result = await client.query({ query: statement, format: 'JSONEachRow' });
    return await result.json<Row>();
  } catch (error) {
    throw ClickHouseQueryError.from(error, statement);
  }
}
