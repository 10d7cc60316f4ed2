import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_CLICKHOUSE_REQUEST_TIMEOUT_MS, type ClickHouseOptions } from './clickhouse.config';
import { ClickHouseOptionsInvalidError } from './clickhouse-options-invalid.error';
import { quoteIdentifier } from './sql-identifier';

/**
 * Settings sent with every request so that Debian's ClickHouse 18.16 and current releases
 * behave alike through `@clickhouse/client` 1.23:
 *
 * - `wait_end_of_query`: 18.16 sends no `X-ClickHouse-Exception-Code` header, so an error raised
 *   after the first block was streamed arrives as HTTP 200 with the exception text appended to
 *   the data, and the client reports a JSON parse error instead of the server's. Buffering the
 *   response on the server until the query ends turns every such failure into an HTTP error.
 * - `output_format_json_quote_64bit_integers`: 18.16 quotes (U)Int64 in JSON output; since 25.8
 *   ClickHouse does not by default; pinned so that 64-bit values always arrive as exact strings.
 */
export const CLICKHOUSE_REQUEST_SETTINGS = {
  wait_end_of_query: 1,
  output_format_json_quote_64bit_integers: 1,
} as const;

/**
 * A `@clickhouse/client` client that works against ClickHouse 18.16 and current releases.
 *
 * Differences from the client's defaults, and what callers must keep to on 18.16:
 * - The client is not bound to `options.database`: 18.16 rejects every request that names a
 *   database that does not exist yet (so `migrate` could not create it) and has no per-request
 *   override (no `X-ClickHouse-Database` header). Name tables as `<database>.<table>`.
 * - Compression is off: 18.16 knows gzip/deflate only (no zstd, no brotli); on loopback the CPU
 *   is better spent elsewhere.
 * - The client's own logger is off: failures reach the caller as `ClickHouseQueryError`.
 * - `insert()` must be given `format: 'JSONEachRow'` (or another format 18.16 knows): the
 *   client's default, `JSONCompactEachRow`, does not exist there. `insertRows` does this.
 * - `query_params` cannot be used: 18.16 has no query parameters (`{name:Type}`) and answers
 *   "Unknown setting param_<name>". Put validated literals in the SQL instead.
 * - Query formats limited to those 18.16 knows: `JSON`, `JSONEachRow`, `JSONCompact`,
 *   `TabSeparated*`, `CSV*` (no `JSONCompactEachRow`, `JSONStringsEachRow`, `*WithProgress`).
 */
export function createClickHouseClient(options: ClickHouseOptions): ClickHouseClient {
  validateOptions(options);
  return createClient({
    url: options.url,
    username: options.username,
    password: options.password,
    request_timeout: options.requestTimeoutMs ?? DEFAULT_CLICKHOUSE_REQUEST_TIMEOUT_MS,
    application: 'hybrid-ids',
    compression: { request: false, response: false },
    clickhouse_settings: { ...CLICKHOUSE_REQUEST_SETTINGS },
    log: { level: ClickHouseLogLevel.OFF },
  });
}

function validateOptions(options: ClickHouseOptions): void {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ClickHouseOptionsInvalidError('url', options.url, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClickHouseOptionsInvalidError('url', options.url, 'only http: and https: are supported');
  }
  try {
    quoteIdentifier(options.database);
  } catch {
    throw new ClickHouseOptionsInvalidError('database', options.database, 'not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)');
  }
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new ClickHouseOptionsInvalidError('requestTimeoutMs', timeout, 'must be a positive integer');
  }
}
