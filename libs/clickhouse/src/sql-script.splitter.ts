/**
 * Splits a SQL script into statements at the `;` that end them, since the HTTP interface runs
 * one statement per request. Quoted text ('...', "...", `...`, with backslash escapes and
 * doubled quotes) is kept whole; comments (-- to end of line, /* ... *\/) are removed, and a
 * statement that held only comments is dropped. Throws a RangeError naming what is unterminated.
 *
 *   script    := statement (';' statement)* ';'?
 *   statement := (quoted | comment | any other character)*
 */
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const finish = () => {
    const statement = current.trim();
    if (statement.length > 0) statements.push(statement);
    current = '';
  };
  while (i < script.length) {
    const c = script[i];
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      if (end === -1) throw new RangeError(`unterminated /* comment at offset ${i}`);
      current += ' ';
      i = end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const end = endOfQuoted(script, i);
      current += script.slice(i, end);
      i = end;
    } else if (c === ';') {
      finish();
      i += 1;
    } else {
      current += c;
      i += 1;
    }
  }
  finish();
  return statements;
}

/** Index just past the closing quote of the quoted text that starts at `start`. */
function endOfQuoted(script: string, start: number): number {
  const quote = script[start];
  let i = start + 1;
  while (i < script.length) {
    const c = script[i];
    if (c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw new RangeError(`unterminated ${quote} quote at offset ${start}`);
}
