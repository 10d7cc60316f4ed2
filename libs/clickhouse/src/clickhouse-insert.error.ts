import { ClickHouseQueryError } from './clickhouse-query.error';

/** A batch insert that failed; nothing of the batch may be assumed written. */
export class ClickHouseInsertError extends ClickHouseQueryError {
  constructor(
    readonly table: string,
    readonly rowCount: number,
    cause: ClickHouseQueryError,
  ) {
    super(cause.code, cause.type, cause.retriable, cause.statement, `insert of ${rowCount} rows into ${table} failed: ${cause.serverMessage}`, { cause });
    this.name = 'ClickHouseInsertError';
  }
}
