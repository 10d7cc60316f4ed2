import { loadConfig, type IdsConfig, type KafkaSecurity } from '@ids/config';

/** The registry's settings: the part of the shared configuration (libs/config) it uses. */
export interface RegistryConfig {
  kafka: { brokers: string[]; clientId: string; security?: KafkaSecurity };
  http: { host: string; port: number };
  /** The compacted topic that holds every schema, version and setting. */
  topic: string;
  /** How long a write waits to be read back from the topic before failing with 50002. */
  writeTimeoutMs: number;
  /** HTTP Basic credentials every request but GET /health must carry; none: open. */
  auth?: { username: string; password: string };
  log: { level: string };
}

export function registryConfigFrom(config: IdsConfig): RegistryConfig {
  return {
    kafka: { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-schema-registry`, security: config.kafka.security },
    http: { host: config.registry.host, port: config.registry.port },
    topic: config.registry.topic,
    writeTimeoutMs: config.registry.writeTimeoutMs,
    ...(config.registry.auth !== undefined && { auth: config.registry.auth }),
    log: config.log,
  };
}

/** Every bad variable is reported at once (`ConfigInvalidError`), with its value and the reason. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return registryConfigFrom(loadConfig(env));
}
