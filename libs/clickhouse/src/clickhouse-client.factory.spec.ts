import { createClickHouseClient } from './clickhouse-client.factory';
import { ClickHouseOptionsInvalidError } from './clickhouse-options-invalid.error';

const valid = { url: 'http://127.0.0.1:8123', database: 'ids', username: 'default', password: '' };

describe('createClickHouseClient', () => {
  it('creates a client from valid options without connecting', async () => {
    const client = createClickHouseClient({ ...valid, requestTimeoutMs: 5000 });
    expect(typeof client.query).toBe('function');
    await client.close();
  });

  it.each([
    { options: { ...valid, url: 'not a url' }, key: 'url' },
    { options: { ...valid, url: 'ftp://127.0.0.1:8123' }, key: 'url' },
    { options: { ...valid, database: 'ids; DROP' }, key: 'database' },
    { options: { ...valid, requestTimeoutMs: 0 }, key: 'requestTimeoutMs' },
    { options: { ...valid, requestTimeoutMs: 1.5 }, key: 'requestTimeoutMs' },
  ])('refuses a bad $key, naming it and its value', ({ options, key }) => {
    expect(() => createClickHouseClient(options)).toThrow(ClickHouseOptionsInvalidError);
    expect(() => createClickHouseClient(options)).toThrow(new RegExp(`option ${key}=`));
  });
});
