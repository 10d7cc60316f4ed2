/** A database, table or column name that is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*). */
export class SqlIdentifierInvalidError extends Error {
  readonly code = 'SQL_IDENTIFIER_INVALID';
  readonly retriable = false;

  constructor(readonly identifier: string) {
    super(`not a plain SQL identifier: ${JSON.stringify(identifier)} (expected [A-Za-z_][A-Za-z0-9_]*, optionally database.table)`);
    this.name = 'SqlIdentifierInvalidError';
  }
}
