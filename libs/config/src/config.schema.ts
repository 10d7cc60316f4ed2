import { z } from 'zod';

/**
 * Every setting of the system, declared once with its type, default and meaning. Only this lib
 * reads the environment; everything else receives a typed `IdsConfig`.
 */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const seconds = () => z.coerce.number().positive();
/** `USER:PASSWORD` (the password may hold colons), as Confluent's `basic.auth.user.info`. */
const basicAuth = () => z.string().regex(/^[^:]+:.+$/s, 'expected USER:PASSWORD')
  .transform((s) => ({ username: s.slice(0, s.indexOf(':')), password: s.slice(s.indexOf(':') + 1) }));

export const CONFIG_VARIABLES = {
  IDS_KAFKA_BROKERS: {
    schema: z.string().default('127.0.0.1:9092')
      .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port')).min(1, 'expected at least one host:port')),
    doc: 'Comma-separated Kafka bootstrap servers (host:port).',
  },
  IDS_KAFKA_CLIENT_ID: { schema: z.string().min(1).default('hybrid-ids'), doc: 'Kafka client id prefix.' },
  IDS_KAFKA_SECURITY_PROTOCOL: { schema: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'), doc: 'Kafka\'s `security.protocol` for every client (stages, tools, the schema registry app): SSL and SASL_SSL connect over TLS, SASL_PLAINTEXT and SASL_SSL authenticate with IDS_KAFKA_SASL_*.' },
  IDS_KAFKA_SASL_MECHANISM: { schema: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(), doc: 'Kafka SASL mechanism; required with SASL_PLAINTEXT and SASL_SSL.' },
  IDS_KAFKA_SASL_USERNAME: { schema: z.string().min(1).optional(), doc: 'Kafka SASL user; required with SASL_PLAINTEXT and SASL_SSL.' },
  IDS_KAFKA_SASL_PASSWORD: { schema: z.string().min(1).optional(), secret: true, doc: 'Kafka SASL password; required with SASL_PLAINTEXT and SASL_SSL (never printed: errors show `***`).' },
  IDS_KAFKA_SSL_CA_FILE: { schema: z.string().min(1).optional(), doc: 'Kafka TLS: PEM file of the certificate authorities to trust (unset: Node\'s bundled public CAs); SSL and SASL_SSL only.' },
  IDS_KAFKA_SSL_CERT_FILE: { schema: z.string().min(1).optional(), doc: 'Kafka TLS: PEM client certificate (chain) for mutual TLS, with IDS_KAFKA_SSL_KEY_FILE; SSL and SASL_SSL only.' },
  IDS_KAFKA_SSL_KEY_FILE: { schema: z.string().min(1).optional(), doc: 'Kafka TLS: PEM private key (unencrypted) of IDS_KAFKA_SSL_CERT_FILE.' },
  IDS_SCHEMA_REGISTRY_URL: { schema: z.url().default('http://127.0.0.1:8081'), doc: 'Confluent-compatible schema registry.' },
  IDS_SCHEMA_REGISTRY_BASIC_AUTH: { schema: basicAuth().optional(), secret: true, doc: 'Schema registry: `USER:PASSWORD` for HTTP Basic authentication (Confluent\'s `basic.auth.user.info`, e.g. an API key and secret); unset: none.' },
  IDS_CLICKHOUSE_URL: { schema: z.url().default('http://127.0.0.1:8123'), doc: 'ClickHouse HTTP interface.' },
  IDS_CLICKHOUSE_DATABASE: { schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('ids'), doc: 'ClickHouse database for the tables.' },
  IDS_CLICKHOUSE_USER: { schema: z.string().default('default'), doc: 'ClickHouse user.' },
  IDS_CLICKHOUSE_PASSWORD: { schema: z.string().default(''), secret: true, doc: 'ClickHouse password.' },
  IDS_FLOW_IDLE_TIMEOUT_S: { schema: seconds().optional(), doc: 'Override of the flow idle timeout for all protocols (seconds); unset keeps the per-protocol defaults of libs/flow.' },
  IDS_FLOW_ACTIVE_TIMEOUT_S: { schema: seconds().optional(), doc: 'Override of the flow active timeout (seconds).' },
  IDS_SINK_BATCH_ROWS: { schema: int(1, 1_000_000).default(10000), doc: 'Largest batch of rows the sink sends to ClickHouse in one insert.' },
  IDS_RULES_PATH: { schema: z.string().min(1).default('rules'), doc: 'Signatures: a rule file, or a directory whose *.rules files are loaded in name order; reloaded on change or SIGHUP (a broken reload keeps the previous set).' },
  IDS_HOME_NET: { schema: z.string().min(1).optional(), doc: 'Signatures: HOME_NET rule variable (e.g. `[10.0.0.0/8,192.168.0.0/16]`); unset keeps Suricata 7\'s default.' },
  IDS_EXTERNAL_NET: { schema: z.string().min(1).optional(), doc: 'Signatures: EXTERNAL_NET rule variable; unset keeps `!$HOME_NET`.' },
  IDS_SIGNATURES_REPLAY_S: { schema: int(0, 86_400).default(120), doc: 'Signatures: after a restart, each detect task reads again this much event time of packets before its committed offset (output discarded) to rebuild its streams, HTTP parsers and flowbits; state older than that starts afresh. 0: no replay.' },
  IDS_MODELS_DIR: { schema: z.string().min(1).default('models'), doc: 'Inference: the models directory (registry.json and <name>/<version>/ artifacts), hot-reloaded.' },
  IDS_INFERENCE_PROVIDER: { schema: z.enum(['auto', 'cpu', 'cuda', 'tensorrt']).default('auto'), doc: 'Inference: execution provider; auto takes TensorRT, then CUDA, when their libraries load, else CPU.' },
  IDS_INFERENCE_WORKERS: { schema: int(1, 64).optional(), doc: 'Inference: ONNX Runtime worker threads (default min(2, cores)).' },
  IDS_INFERENCE_MAX_BATCH: { schema: int(1, 65536).default(32), doc: 'Inference: largest micro-batch.' },
  IDS_INFERENCE_MAX_WAIT_MS: { schema: int(0, 60_000).default(100), doc: 'Inference: longest a vector waits for its micro-batch to fill.' },
  IDS_INFERENCE_CACHE_TTL_S: { schema: int(0, 86_400).default(300), doc: 'Inference: how long a cached score is reused (0 disables the cache).' },
  IDS_REGISTRY_HOST: { schema: z.string().min(1).default('127.0.0.1'), doc: 'Schema registry app: address it listens on.' },
  IDS_REGISTRY_PORT: { schema: int(0, 65535).default(8081), doc: 'Schema registry app: port it listens on.' },
  IDS_REGISTRY_TOPIC: { schema: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name ([A-Za-z0-9._-], at most 249)').default('_schemas'), doc: 'Schema registry app: the compacted topic that holds every schema, version and setting.' },
  IDS_REGISTRY_BASIC_AUTH: { schema: basicAuth().optional(), secret: true, doc: 'Schema registry app: `USER:PASSWORD` that every request but `GET /health` must carry (HTTP Basic; 401 otherwise); unset: open (keep it on a private network).' },
  IDS_REGISTRY_WRITE_TIMEOUT_MS: { schema: int(100).default(10_000), doc: 'Schema registry app: how long a write waits to be read back from its topic before failing (error 50002).' },
  IDS_HTTP_PORT: { schema: int(0, 65535).default(0), doc: 'Port of a stage app\'s health and metrics endpoint (0: any free port).' },
  IDS_HTTP_HOST: { schema: z.string().default('127.0.0.1'), doc: 'Address the health and metrics endpoint binds to.' },
  IDS_INSTANCE_ID: { schema: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(), doc: 'Stable id of this instance (transactional id suffix); defaults to host name and pid.' },
  IDS_KAFKA_REPLICATION_FACTOR: { schema: int(1, 16).default(1), doc: 'Replication factor of topics that `ids topics apply` creates.' },
  IDS_CAPTURE_FILE: { schema: z.string().min(1).optional(), doc: 'Capture app: pcap file to replay into ids.packets.v1 (the app exits when done).' },
  IDS_CAPTURE_END_OF_INPUT: { schema: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'), doc: 'Capture app: whether the end of the file (or replayed topic) ends the input (flushes every open flow); false for one file of a rotated series whose traffic goes on in the next.' },
  IDS_CAPTURE_TOPIC: { schema: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name ([A-Za-z0-9._-], at most 249)').optional(), doc: 'Capture app: a topic of packet records (the ids.packets.v1 schema: an archived or mirrored packets topic) to replay into ids.packets.v1, in time order across its partitions, up to its end when the replay starts (the app exits when done); one of IDS_CAPTURE_FILE, IDS_CAPTURE_INTERFACE, IDS_CAPTURE_TOPIC.' },
  IDS_CAPTURE_INTERFACE: { schema: z.string().regex(/^[^\s/]{1,64}$/, 'expected an interface name (`ids capture --list-interfaces` lists them)').optional(), doc: 'Capture app: network interface to capture from live (libpcap through `cap`, promiscuous mode) into ids.packets.v1 until stopped.' },
  IDS_CAPTURE_FILTER: { schema: z.string().optional(), doc: 'Capture app, live: BPF filter in tcpdump syntax, applied in the kernel; unset captures every frame.' },
  IDS_CAPTURE_SNAPLEN: { schema: int(64, 65535).default(65535), doc: 'Capture app, live: bytes kept of each frame (at most 65535, the snap length `cap` opens libpcap with); longer frames are cut and counted as truncated.' },
  IDS_CAPTURE_BUFFER_MB: { schema: int(1, 2047).default(16), doc: 'Capture app, live: kernel capture buffer (MiB); a larger one absorbs longer bursts before the kernel drops frames.' },
  IDS_LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level.' },
} as const;

type Vars = typeof CONFIG_VARIABLES;
export type ConfigVariable = keyof Vars;
export type RawConfig = { [K in ConfigVariable]: z.infer<Vars[K]['schema']> };
