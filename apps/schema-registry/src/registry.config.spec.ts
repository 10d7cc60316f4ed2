import { ConfigInvalidError } from '@ids/config';
import { loadRegistryConfig } from './registry.config';

describe('loadRegistryConfig', () => {
  it('applies the defaults on an empty environment', () => {
    expect(loadRegistryConfig({})).toEqual({
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'hybrid-ids-schema-registry', security: { protocol: 'PLAINTEXT' } },
      http: { host: '127.0.0.1', port: 8081 },
      topic: '_schemas',
      writeTimeoutMs: 10_000,
      log: { level: 'info' },
    });
  });

  it('reads the variables', () => {
    const config = loadRegistryConfig({
      IDS_KAFKA_BROKERS: 'k1:9092, k2:9093', IDS_REGISTRY_HOST: '0.0.0.0', IDS_REGISTRY_PORT: '0', IDS_REGISTRY_TOPIC: '_schemas_test_1',
    });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9093']);
    expect(config.http).toEqual({ host: '0.0.0.0', port: 0 });
    expect(config.topic).toBe('_schemas_test_1');
  });

  it.each([
    ['IDS_KAFKA_BROKERS', 'localhost'],
    ['IDS_REGISTRY_PORT', '70000'],
    ['IDS_REGISTRY_PORT', 'http'],
    ['IDS_REGISTRY_TOPIC', 'bad topic'],
    ['IDS_LOG_LEVEL', 'loud'],
  ])('rejects %s=%s naming the variable and the value', (name, value) => {
    let error: unknown;
    try { loadRegistryConfig({ [name]: value }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as Error).message).toContain(`${name}=${JSON.stringify(value)}`);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadRegistryConfig({ IDS_REGISTRY_PORT: '-1', IDS_REGISTRY_TOPIC: '' + 'x'.repeat(250) }))
      .toThrow(/IDS_REGISTRY_PORT=.*\n.*IDS_REGISTRY_TOPIC=/);
  });
});
