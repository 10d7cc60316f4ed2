import { ClickHouseError } from '@clickhouse/client';

/**
 * Names of the server error codes this system meets or retries on (ClickHouse's
 * ErrorCodes.cpp; the numbers are stable across releases). Current servers put the name in the
 * message, 18.16 does not, so it is looked up here.
 */
const SERVER_ERROR_NAMES: Readonly<Record<number, string>> = {
  3: 'UNEXPECTED_END_OF_FILE',
  6: 'CANNOT_PARSE_TEXT',
  16: 'NO_SUCH_COLUMN_IN_TABLE',
  27: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  32: 'ATTEMPT_TO_READ_AFTER_EOF',
  36: 'BAD_ARGUMENTS',
  47: 'UNKNOWN_IDENTIFIER',
  50: 'UNKNOWN_TYPE',
  53: 'TYPE_MISMATCH',
  57: 'TABLE_ALREADY_EXISTS',
  60: 'UNKNOWN_TABLE',
  62: 'SYNTAX_ERROR',
  73: 'UNKNOWN_FORMAT',
  81: 'UNKNOWN_DATABASE',
  82: 'DATABASE_ALREADY_EXISTS',
  115: 'UNKNOWN_SETTING',
  117: 'INCORRECT_DATA',
  159: 'TIMEOUT_EXCEEDED',
  164: 'READONLY',
  192: 'UNKNOWN_USER',
  193: 'WRONG_PASSWORD',
  194: 'REQUIRED_PASSWORD',
  195: 'IP_ADDRESS_NOT_ALLOWED',
  202: 'TOO_MANY_SIMULTANEOUS_QUERIES',
  203: 'NO_FREE_CONNECTION',
  209: 'SOCKET_TIMEOUT',
  210: 'NETWORK_ERROR',
  241: 'MEMORY_LIMIT_EXCEEDED',
  242: 'TABLE_IS_READ_ONLY',
  252: 'TOO_MANY_PARTS',
  394: 'QUERY_WAS_CANCELLED',
  425: 'SYSTEM_ERROR',
  516: 'AUTHENTICATION_FAILED',
  999: 'KEEPER_EXCEPTION',
};

/** Server errors that a later attempt of the same statement can get past. */
const RETRIABLE_SERVER_ERRORS = new Set([
  'TIMEOUT_EXCEEDED', 'TOO_MANY_SIMULTANEOUS_QUERIES', 'NO_FREE_CONNECTION', 'SOCKET_TIMEOUT',
  'NETWORK_ERROR', 'MEMORY_LIMIT_EXCEEDED', 'TABLE_IS_READ_ONLY', 'TOO_MANY_PARTS', 'KEEPER_EXCEPTION',
]);

/** Node.js socket errors: the server was not reached or the connection broke. */
const RETRIABLE_SOCKET_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
]);

// 18.16:   "Code: 60, e.displayText() = DB::Exception: Table x.y doesn't exist., e.what() = DB::Exception"
// current: "Code: 60. DB::Exception: Table x.y does not exist. (UNKNOWN_TABLE) (version 24.8.1.1)"
const LEGACY_MESSAGE = /^\s*Code: (\d+), e\.displayText\(\) = (?:[\w:]*Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/;
const CURRENT_MESSAGE = /^\s*Code: (\d+)\. (?:[\w:]*Exception: )?([\s\S]*?)(?: \(([A-Z][A-Z0-9_]+)\))?(?: \(version [^)]*\))?\.?\s*$/;

/**
 * A statement that failed, on the server or on the way to it.
 *
 * - `code`: the server's numeric error code as a string (`'60'`), as in `@clickhouse/client`;
 *   for a failure without a server answer, the Node.js error code (`'ECONNREFUSED'`) or
 *   `'TIMEOUT'` / `'UNKNOWN'`.
 * - `type`: the server's error name (`'UNKNOWN_TABLE'`; `'UNKNOWN_ERROR_<code>'` when not known
 *   here), or `'CONNECTION_FAILED'`, `'TIMEOUT'`, `'UNKNOWN'` without a server answer.
 * - `retriable`: whether the same statement may succeed when tried again.
 * - `statement`: the SQL that failed (for an insert, the INSERT line without the rows).
 */
export class ClickHouseQueryError extends Error {
  constructor(
    readonly code: string,
    readonly type: string,
    readonly retriable: boolean,
    readonly statement: string,
    readonly serverMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`ClickHouse ${type} (${code}): ${serverMessage}\n  statement: ${abbreviate(statement)}`, options);
    this.name = 'ClickHouseQueryError';
  }

  /** Wraps whatever the client threw for `statement`; an existing ClickHouseQueryError is returned as is. */
  static from(error: unknown, statement: string): ClickHouseQueryError {
    if (error instanceof ClickHouseQueryError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const server = parseServerError(error, message);
    if (server) {
      return new ClickHouseQueryError(String(server.code), server.type, RETRIABLE_SERVER_ERRORS.has(server.type), statement, server.message, { cause: error });
    }
    const socketCode = (error as { code?: unknown } | null)?.code;
    if (typeof socketCode === 'string' && socketCode.length > 0) {
      return new ClickHouseQueryError(socketCode, 'CONNECTION_FAILED', RETRIABLE_SOCKET_ERRORS.has(socketCode), statement, message, { cause: error });
    }
    if (/^Timeout error\.?$/.test(message)) {
      return new ClickHouseQueryError('TIMEOUT', 'TIMEOUT', true, statement, 'request timed out', { cause: error });
    }
    return new ClickHouseQueryError('UNKNOWN', 'UNKNOWN', false, statement, message, { cause: error });
  }
}

function parseServerError(error: unknown, message: string): { code: number; type: string; message: string } | undefined {
  if (error instanceof ClickHouseError) {
    // The client parsed a current server's message already.
    return { code: Number(error.code), type: error.type ?? nameOf(Number(error.code)), message: error.message.trim() };
  }
  const legacy = LEGACY_MESSAGE.exec(message);
  if (legacy) return { code: Number(legacy[1]), type: nameOf(Number(legacy[1])), message: legacy[2].trim() };
  const current = CURRENT_MESSAGE.exec(message);
  if (current) return { code: Number(current[1]), type: current[3] ?? nameOf(Number(current[1])), message: current[2].trim() };
  return undefined;
}

function nameOf(code: number): string {
  return SERVER_ERROR_NAMES[code] ?? `UNKNOWN_ERROR_${code}`;
}

function abbreviate(statement: string): string {
  const oneLine = statement.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine;
}
