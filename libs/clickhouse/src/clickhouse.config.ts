/**
 * Connection options of the ClickHouse edge. The config lib fills them from the environment;
 * nothing in this lib reads process.env.
 */
export interface ClickHouseOptions {
  /** HTTP interface of the server, for example `http://127.0.0.1:8123`. */
  url: string;
  /** Database that holds the IDS tables; `migrate` creates it when missing. */
  database: string;
  username: string;
  password: string;
  /** Timeout of one HTTP request in milliseconds; 30 000 when left out. */
  requestTimeoutMs?: number;
}

export const DEFAULT_CLICKHOUSE_REQUEST_TIMEOUT_MS = 30_000;
