/** Options rejected before any connection is made; names the bad key and its value. */
export class ClickHouseOptionsInvalidError extends Error {
  readonly code = 'CLICKHOUSE_OPTIONS_INVALID';
  readonly retriable = false;

  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`invalid ClickHouse option ${key}=${JSON.stringify(value)}: ${reason}`);
    this.name = 'ClickHouseOptionsInvalidError';
  }
}
