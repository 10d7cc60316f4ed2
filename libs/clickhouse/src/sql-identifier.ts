import { SqlIdentifierInvalidError } from './sql-identifier-invalid.error';

// Plain identifiers only: what the config lib accepts for a database name, and all our tables
// and columns use. 18.16 cannot bind identifiers as query parameters, so they are validated
// and back-quoted here before they go into a statement.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` back-quoted, after checking that it is a plain identifier. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new SqlIdentifierInvalidError(name);
  return `\`${name}\``;
}

/** `table` or `database.table`, each part checked and back-quoted. */
export function quoteTableName(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2) throw new SqlIdentifierInvalidError(table);
  return parts.map(quoteIdentifier).join('.');
}
