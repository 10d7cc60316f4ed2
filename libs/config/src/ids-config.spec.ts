import { loadConfig } from './ids-config';
import { ConfigInvalidError } from './config.error';

describe('loadConfig', () => {
  it('applies documented defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.schemaRegistry.url).toBe('http://127.0.0.1:8081');
    expect(c.clickhouse.database).toBe('ids');
    expect(c.runtime.sinkBatchRows).toBe(10000);
    expect(c.flow.idleTimeoutS).toBeUndefined();
    expect(c.capture).toMatchObject({ interface: undefined, filter: undefined, snaplen: 65535, bufferMb: 16 });
  });

  it.each([
    ['IDS_KAFKA_BROKERS', 'a:1, b:2', (c: ReturnType<typeof loadConfig>) => c.kafka.brokers, ['a:1', 'b:2']],
    ['IDS_FLOW_IDLE_TIMEOUT_S', '2.5', (c: ReturnType<typeof loadConfig>) => c.flow.idleTimeoutS, 2.5],
    ['IDS_CAPTURE_END_OF_INPUT', 'false', (c: ReturnType<typeof loadConfig>) => c.capture.endOfInput, false],
    ['IDS_SINK_BATCH_ROWS', '42', (c: ReturnType<typeof loadConfig>) => c.runtime.sinkBatchRows, 42],
    ['IDS_CAPTURE_INTERFACE', 'eth0', (c: ReturnType<typeof loadConfig>) => c.capture.interface, 'eth0'],
    ['IDS_CAPTURE_FILTER', 'tcp port 443 or udp', (c: ReturnType<typeof loadConfig>) => c.capture.filter, 'tcp port 443 or udp'],
    ['IDS_CAPTURE_SNAPLEN', '128', (c: ReturnType<typeof loadConfig>) => c.capture.snaplen, 128],
    ['IDS_CAPTURE_BUFFER_MB', '64', (c: ReturnType<typeof loadConfig>) => c.capture.bufferMb, 64],
    ['IDS_SCHEMA_REGISTRY_BASIC_AUTH', 'KEY:se:cret', (c: ReturnType<typeof loadConfig>) => c.schemaRegistry.auth, { username: 'KEY', password: 'se:cret' }],
    ['IDS_REGISTRY_BASIC_AUTH', 'ids:pw', (c: ReturnType<typeof loadConfig>) => c.registry.auth, { username: 'ids', password: 'pw' }],
  ])('reads %s=%s', (name, value, pick, expected) => {
    expect(pick(loadConfig({ [name]: value }))).toEqual(expected);
  });

  it.each([
    ['IDS_SINK_BATCH_ROWS', '0'],
    ['IDS_CLICKHOUSE_URL', 'not a url'],
    ['IDS_CLICKHOUSE_DATABASE', 'drop table;'],
    ['IDS_LOG_LEVEL', 'loud'],
    ['IDS_KAFKA_BROKERS', 'localhost'],
    ['IDS_REGISTRY_TOPIC', 'bad topic'],
    ['IDS_CAPTURE_END_OF_INPUT', 'yes'],
    ['IDS_HTTP_PORT', '70000'],
    ['IDS_CAPTURE_INTERFACE', 'eth0 eth1'],
    ['IDS_CAPTURE_SNAPLEN', '65536'],
    ['IDS_CAPTURE_SNAPLEN', '10'],
    ['IDS_CAPTURE_BUFFER_MB', '0'],
    ['IDS_CAPTURE_BUFFER_MB', '2048'],
  ])('rejects %s=%s naming the variable and value', (name, value) => {
    let error: unknown;
    try { loadConfig({ [name]: value }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as Error).message).toContain(`${name}=${JSON.stringify(value)}`);
  });

  it.each(['IDS_SCHEMA_REGISTRY_BASIC_AUTH', 'IDS_REGISTRY_BASIC_AUTH'])('rejects %s without a colon, without printing it', (name) => {
    expect(() => loadConfig({ [name]: 'just-a-secret' })).toThrow(`${name}="***": expected USER:PASSWORD`);
    expect(() => loadConfig({ [name]: 'just-a-secret' })).not.toThrow('just-a-secret');
  });
});
