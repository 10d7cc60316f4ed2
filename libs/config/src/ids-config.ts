import { hostname } from 'node:os';
import { CONFIG_VARIABLES, type ConfigVariable, type RawConfig } from './config.schema';
import { ConfigInvalidError, type ConfigProblem } from './config.error';
import { kafkaSecurityOf, type KafkaSecurity } from './kafka-security.config';

export interface IdsConfig {
  kafka: { brokers: string[]; clientId: string; replicationFactor: number; security: KafkaSecurity };
  capture: {
    file?: string;
    /** A topic of packet records to replay. */
    topic?: string;
    endOfInput: boolean;
    /** Live capture: interface, BPF filter, snap length (bytes) and kernel buffer (MiB). */
    interface?: string;
    filter?: string;
    snaplen: number;
    bufferMb: number;
  };
  schemaRegistry: { url: string; auth?: { username: string; password: string } };
  clickhouse: { url: string; database: string; username: string; password: string };
  flow: { idleTimeoutS?: number; activeTimeoutS?: number };
  /** Signature rules path and rule variable overrides. */
  signatures: { rulesPath: string; homeNet?: string; externalNet?: string; replayS: number };
  inference: { modelsDir: string; provider: 'auto' | 'cpu' | 'cuda' | 'tensorrt'; workers?: number; maxBatch: number; maxWaitMs: number; cacheTtlS: number };
  runtime: { sinkBatchRows: number; instanceId: string };
  http: { host: string; port: number };
  registry: { host: string; port: number; topic: string; writeTimeoutMs: number; auth?: { username: string; password: string } };
  log: { level: string };
}

/** Validates the environment at start-up; every bad variable is named with its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IdsConfig {
  const raw: Partial<Record<ConfigVariable, unknown>> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, { schema }] of Object.entries(CONFIG_VARIABLES) as [ConfigVariable, (typeof CONFIG_VARIABLES)[ConfigVariable]][]) {
    const value = env[name] === '' && name !== 'IDS_CLICKHOUSE_PASSWORD' ? undefined : env[name];
    const parsed = schema.safeParse(value);
    if (parsed.success) raw[name] = parsed.data;
    else problems.push({ variable: name, value, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  const c = raw as RawConfig;
  // Settings that depend on each other, once each is valid on its own.
  const security = problems.length === 0 ? kafkaSecurityOf(c, problems) : undefined;
  if (problems.length > 0) throw new ConfigInvalidError(problems.map((p) => (isSecret(p.variable) && p.value !== undefined ? { ...p, value: '***' } : p)));
  return {
    kafka: { brokers: c.IDS_KAFKA_BROKERS, clientId: c.IDS_KAFKA_CLIENT_ID, replicationFactor: c.IDS_KAFKA_REPLICATION_FACTOR, security: security! },
    capture: {
      file: c.IDS_CAPTURE_FILE,
      topic: c.IDS_CAPTURE_TOPIC,
      endOfInput: c.IDS_CAPTURE_END_OF_INPUT,
      interface: c.IDS_CAPTURE_INTERFACE,
      filter: c.IDS_CAPTURE_FILTER,
      snaplen: c.IDS_CAPTURE_SNAPLEN,
      bufferMb: c.IDS_CAPTURE_BUFFER_MB,
    },
    schemaRegistry: { url: c.IDS_SCHEMA_REGISTRY_URL, ...(c.IDS_SCHEMA_REGISTRY_BASIC_AUTH !== undefined && { auth: c.IDS_SCHEMA_REGISTRY_BASIC_AUTH }) },
    clickhouse: { url: c.IDS_CLICKHOUSE_URL, database: c.IDS_CLICKHOUSE_DATABASE, username: c.IDS_CLICKHOUSE_USER, password: c.IDS_CLICKHOUSE_PASSWORD },
    flow: { idleTimeoutS: c.IDS_FLOW_IDLE_TIMEOUT_S, activeTimeoutS: c.IDS_FLOW_ACTIVE_TIMEOUT_S },
    signatures: { rulesPath: c.IDS_RULES_PATH, homeNet: c.IDS_HOME_NET, externalNet: c.IDS_EXTERNAL_NET, replayS: c.IDS_SIGNATURES_REPLAY_S },
    inference: {
      modelsDir: c.IDS_MODELS_DIR, provider: c.IDS_INFERENCE_PROVIDER, workers: c.IDS_INFERENCE_WORKERS,
      maxBatch: c.IDS_INFERENCE_MAX_BATCH, maxWaitMs: c.IDS_INFERENCE_MAX_WAIT_MS, cacheTtlS: c.IDS_INFERENCE_CACHE_TTL_S,
    },
    runtime: {
      sinkBatchRows: c.IDS_SINK_BATCH_ROWS,
      instanceId: c.IDS_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    },
    http: { host: c.IDS_HTTP_HOST, port: c.IDS_HTTP_PORT },
    registry: {
      host: c.IDS_REGISTRY_HOST, port: c.IDS_REGISTRY_PORT, topic: c.IDS_REGISTRY_TOPIC, writeTimeoutMs: c.IDS_REGISTRY_WRITE_TIMEOUT_MS,
      ...(c.IDS_REGISTRY_BASIC_AUTH !== undefined && { auth: c.IDS_REGISTRY_BASIC_AUTH }),
    },
    log: { level: c.IDS_LOG_LEVEL },
  };
}

function isSecret(variable: string): boolean {
  const v = CONFIG_VARIABLES[variable as ConfigVariable] as { secret?: boolean } | undefined;
  return v?.secret === true;
}

/** The README's table of every variable: name, default and meaning, one Markdown row each. */
export function configTableRows(): string[] {
  return Object.entries(CONFIG_VARIABLES).map(([name, v]) => {
    const parsed = (v.schema as { safeParse(x: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '(unset)';
    return `| \`${name}\` | ${fallback === '``' ? '(empty)' : fallback} | ${v.doc.replace(/\|/g, '\\|')} |`;
  });
}
