import { ClickHouseError } from '@clickhouse/client';
import { ClickHouseQueryError } from './clickhouse-query.error';

describe('ClickHouseQueryError.from', () => {
  it.each([
    {
      name: 'an 18.16 server message',
      error: new Error("Code: 60, e.displayText() = DB::Exception: Table ids.nope doesn't exist., e.what() = DB::Exception\n"),
      expected: { code: '60', type: 'UNKNOWN_TABLE', retriable: false, serverMessage: "Table ids.nope doesn't exist." },
    },
    {
      name: 'an 18.16 retriable server error',
      error: new Error('Code: 252, e.displayText() = DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts., e.what() = DB::Exception'),
      expected: { code: '252', type: 'TOO_MANY_PARTS', retriable: true },
    },
    {
      name: 'an 18.16 code this table does not name',
      error: new Error('Code: 4242, e.displayText() = DB::Exception: something new, e.what() = DB::Exception'),
      expected: { code: '4242', type: 'UNKNOWN_ERROR_4242', retriable: false, serverMessage: 'something new' },
    },
    {
      name: 'a current server message the client did not parse',
      error: new Error('Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED) (version 24.8.4.13 (official build))'),
      expected: { code: '241', type: 'MEMORY_LIMIT_EXCEEDED', retriable: true },
    },
    {
      name: 'a ClickHouseError parsed by the client',
      error: new ClickHouseError({ message: 'Syntax error: failed at position 1', code: '62', type: 'SYNTAX_ERROR' }),
      expected: { code: '62', type: 'SYNTAX_ERROR', retriable: false, serverMessage: 'Syntax error: failed at position 1' },
    },
    {
      name: 'a refused connection',
      error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      expected: { code: 'ECONNREFUSED', type: 'CONNECTION_FAILED', retriable: true },
    },
    {
      name: 'the client request timeout',
      error: new Error('Timeout error.'),
      expected: { code: 'TIMEOUT', type: 'TIMEOUT', retriable: true },
    },
    {
      name: 'anything else',
      error: new SyntaxError('Unexpected token C in JSON'),
      expected: { code: 'UNKNOWN', type: 'UNKNOWN', retriable: false },
    },
  ])('classifies $name', ({ error, expected }) => {
    const typed = ClickHouseQueryError.from(error, 'SELECT 1');
    expect(typed).toBeInstanceOf(ClickHouseQueryError);
    expect(typed).toMatchObject({ ...expected, statement: 'SELECT 1' });
    expect(typed.cause).toBe(error);
  });

  it('returns an already typed error unchanged', () => {
    const typed = ClickHouseQueryError.from(new Error('Timeout error.'), 'SELECT 1');
    expect(ClickHouseQueryError.from(typed, 'SELECT 2')).toBe(typed);
  });
});
