import { splitSqlScript } from './sql-script.splitter';

describe('splitSqlScript', () => {
  it.each([
    { name: 'one statement without a final semicolon', script: 'SELECT 1', statements: ['SELECT 1'] },
    { name: 'statements ended by semicolons', script: 'SELECT 1;\nSELECT 2;\n', statements: ['SELECT 1', 'SELECT 2'] },
    { name: 'line comments removed, comment-only tail dropped', script: '-- head\nSELECT 1; -- tail\n-- more', statements: ['SELECT 1'] },
    { name: 'block comments removed', script: 'SELECT /* a; b */ 1;', statements: ['SELECT   1'] },
    { name: 'semicolons and comment markers inside quotes kept', script: "SELECT 'a;b', \"c;--d\", `e;/*f`;", statements: ["SELECT 'a;b', \"c;--d\", `e;/*f`"] },
    { name: 'backslash-escaped and doubled quotes', script: "SELECT 'it\\'s;', 'it''s;';SELECT 2", statements: ["SELECT 'it\\'s;', 'it''s;'", 'SELECT 2'] },
    { name: 'empty statements dropped', script: ';;  ;\n', statements: [] },
  ])('$name', ({ script, statements }) => {
    expect(splitSqlScript(script)).toEqual(statements);
  });

  it.each([
    { script: "SELECT 'open", reason: /unterminated ' quote at offset 7/ },
    { script: 'SELECT 1 /* open', reason: /unterminated \/\* comment/ },
  ])('refuses $script', ({ script, reason }) => {
    expect(() => splitSqlScript(script)).toThrow(reason);
  });
});
