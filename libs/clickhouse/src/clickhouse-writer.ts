import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseInsertError } from './clickhouse-insert.error';
import { ClickHouseQueryError } from './clickhouse-query.error';
import { quoteIdentifier, quoteTableName } from './sql-identifier';

/**
 * Inserts `rows` into `table` (`name` or `database.name`) in one request, as JSONEachRow.
 *
 * The columns are named in the statement, taken from the first row's keys, so every row must
 * have the same keys. Naming them is what makes 18.16 compute the DEFAULT expression of a
 * column left out (with JSONEachRow alone it fills the type's zero value instead).
 * An empty batch sends nothing. Resolves once the server has written the whole batch; throws
 * `ClickHouseInsertError` (a `ClickHouseQueryError`, with `retriable`) on failure.
 */
export async function insertRows<Row extends object>(client: ClickHouseClient, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const quotedTable = quoteTableName(table);
  const columns = Object.keys(rows[0]).map(quoteIdentifier);
  const statement = `INSERT INTO ${quotedTable} (${columns.join(', ')}) FORMAT JSONEachRow`;
  try {
    await client.insert({
      table: quotedTable,
      columns: columns as [string, ...string[]],
      values: rows as Row[],
      format: 'JSONEachRow',
    });
  } catch (error) {
    throw new ClickHouseInsertError(table, rows.length, ClickHouseQueryError.from(error, statement));
  }
}
