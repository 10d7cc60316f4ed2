import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseQueryError } from './clickhouse-query.error';
import { runStatement, selectRows } from './clickhouse-statements';
import { testClickHouseClient } from './internal/test-database';

jest.setTimeout(30_000);

// What @clickhouse/client 1.23 needs to work against Debian's ClickHouse 18.16 (see
// createClickHouseClient); each test fails against a client built with the library defaults.
describe('createClickHouseClient against the real server', () => {
  let client: ClickHouseClient;
  beforeEach(() => { client = testClickHouseClient(); });
  afterEach(() => client.close());

  it('answers ping and a SELECT in JSONEachRow with 64-bit integers as exact strings', async () => {
    expect((await client.ping()).success).toBe(true);
    expect(await selectRows(client, 'SELECT toUInt64(9007199254740993) AS big, toUInt8(7) AS small')).toEqual([{ big: '9007199254740993', small: 7 }]);
  });

  it.each([
    { sql: 'SELECT * FROM system.no_such_table', code: '60', type: 'UNKNOWN_TABLE' },
    { sql: 'SELEC 1', code: '62', type: 'SYNTAX_ERROR' },
  ])('turns a server error into ClickHouseQueryError $type', async ({ sql, code, type }) => {
    const failure = selectRows(client, sql);
    await expect(failure).rejects.toBeInstanceOf(ClickHouseQueryError);
    await expect(failure).rejects.toMatchObject({ code, type, retriable: false, statement: sql });
  });

  it('reports an error raised after rows were streamed as the server error, not as broken JSON', async () => {
    const sql = 'SELECT throwIf(number = 300000) AS t FROM system.numbers LIMIT 400000';
    const failure = client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { max_block_size: '1000' } })
      .then((result) => result.json())
      .catch((error: unknown) => { throw ClickHouseQueryError.from(error, sql); });
    await expect(failure).rejects.toMatchObject({ code: '395' });
  });

  it('runs DDL through command()', async () => {
    await expect(runStatement(client, 'SELECT 1')).resolves.toBeUndefined();
  });

  it('marks an unreachable server as a retriable connection failure', async () => {
    const nowhere = testClickHouseClient('http://127.0.0.1:1');
    try {
      await expect(selectRows(nowhere, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED', type: 'CONNECTION_FAILED', retriable: true });
    } finally {
      await nowhere.close();
    }
  });
});
