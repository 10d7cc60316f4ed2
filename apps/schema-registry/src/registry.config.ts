import { z } from 'zod';

/**
 * The registry's settings, read from the environment and validated once at start-up. Kept in
 * this one file so that the shared typed config lib can replace it.
 */
export interface RegistryConfig {
  kafka: { brokers: string[]; clientId: string };
  http: { host: string; port: number };
  /** The compacted topic that holds every schema, version and setting. */
  topic: string;
  /** How long a write waits to be read back from the topic before failing with 50002. */
  writeTimeoutMs: number;
  log: { level: string };
}

const HOST_PORT = /^[^\s:,]+:\d{1,5}$/;

const VARIABLES = {
  IDS_KAFKA_BROKERS: z.string().default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(HOST_PORT, 'expected host:port')).min(1, 'expected at least one host:port')),
  IDS_KAFKA_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).default('ids-schema-registry'),
  IDS_REGISTRY_HOST: z.string().min(1).default('127.0.0.1'),
  IDS_REGISTRY_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  IDS_REGISTRY_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name ([A-Za-z0-9._-], at most 249)').default('_schemas'),
  IDS_REGISTRY_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  IDS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
} as const;

type Variable = keyof typeof VARIABLES;

export class RegistryConfigInvalidError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  constructor(readonly problems: { variable: string; value: string | undefined; reason: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.reason}`).join('\n')}`);
    this.name = 'RegistryConfigInvalidError';
  }
}

/** Every bad variable is reported at once, with its value and why it was refused. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const values: Partial<Record<Variable, unknown>> = {};
  const problems: RegistryConfigInvalidError['problems'] = [];
  for (const name of Object.keys(VARIABLES) as Variable[]) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = VARIABLES[name].safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push({ variable: name, value: raw, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  if (problems.length > 0) throw new RegistryConfigInvalidError(problems);
  const v = values as { [K in Variable]: z.infer<(typeof VARIABLES)[K]> };
  return {
    kafka: { brokers: v.IDS_KAFKA_BROKERS, clientId: v.IDS_KAFKA_CLIENT_ID },
    http: { host: v.IDS_REGISTRY_HOST, port: v.IDS_REGISTRY_PORT },
    topic: v.IDS_REGISTRY_TOPIC,
    writeTimeoutMs: v.IDS_REGISTRY_WRITE_TIMEOUT_MS,
    log: { level: v.IDS_LOG_LEVEL },
  };
}
