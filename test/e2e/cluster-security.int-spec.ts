import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { loadConfig } from '@ids/config';
import { repoRoot } from '@ids/contracts';
import { createKafka } from '@ids/kafka';
import { createLogger } from '@ids/observability';
import { analyzeCapture } from '@ids/stages';
import { loadRegistryConfig } from '../../apps/schema-registry/src/registry.config';
import { startRegistry } from '../../apps/schema-registry/src/registry.app';
import { framesAtReplayTime, writeCapture } from './replay-time';
import { eventually, startApp, stopApp } from './stack-processes';

// The system on a secured cluster. Every Kafka client on the local broker's SASL_SSL listener
// (PLAIN and SCRAM-SHA-512 over TLS, its certificate from a CA of its own) and its SSL listener
// that requires a client certificate (infra/local/kafka.sh makes the CA, the certificates and user
// `ids`); the schema registry app requiring HTTP Basic credentials. Settings come from the IDS_*
// variables, as an operator sets them.
const HOST = process.env.KAFKA_HOST ?? '127.0.0.1';
const SASL_SSL = `${HOST}:${process.env.KAFKA_SASL_SSL_PORT ?? 9094}`;
const MUTUAL_TLS = `${HOST}:${process.env.KAFKA_SSL_PORT ?? 9095}`;
const SECRET = process.env.KAFKA_LOCAL_SECRET ?? 'ids-local-secret';
const TLS = join(repoRoot(), '.local', 'kafka', 'tls');
const RUN = Date.now();

const sasl = (mechanism: string, password = SECRET) => ({
  IDS_KAFKA_BROKERS: SASL_SSL, IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', IDS_KAFKA_SSL_CA_FILE: join(TLS, 'ca.pem'),
  IDS_KAFKA_SASL_MECHANISM: mechanism, IDS_KAFKA_SASL_USERNAME: 'ids', IDS_KAFKA_SASL_PASSWORD: password,
});
const mutualTls = (withCertificate = true) => ({
  IDS_KAFKA_BROKERS: MUTUAL_TLS, IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CA_FILE: join(TLS, 'ca.pem'),
  ...(withCertificate && { IDS_KAFKA_SSL_CERT_FILE: join(TLS, 'client.pem'), IDS_KAFKA_SSL_KEY_FILE: join(TLS, 'client.key') }),
});

const logger = createLogger('kafka-security-test', 'silent');
const clientOf = (env: Record<string, string>, name: string) => {
  const config = loadConfig(env);
  return createKafka({ brokers: config.kafka.brokers, clientId: `security-test-${name}`, security: config.kafka.security, logger });
};
const plain = new Kafka({ clientId: 'security-test', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });

/** `ids` with these variables on top of the test's environment. */
function ids(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(repoRoot(), 'bin', 'ids.js'), ...args], { encoding: 'utf8', env: { ...process.env, IDS_LOG_LEVEL: 'warn', ...env }, timeout: 120_000 });
}

/** `ids` as a child this process does not wait for, so a server in this process (the registry app) can answer it. */
function idsAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'ids.js'), ...args], { env: { ...process.env, IDS_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

describe('Kafka security: TLS, SASL and client certificates', () => {
  const topic = `ids-security-test-${RUN}`;
  const admin = plain.admin();

  beforeAll(async () => {
    if (!existsSync(join(TLS, 'ca.pem'))) throw new Error(`${TLS}/ca.pem is missing: start the stack (infra/local/stack.sh start) to make the TLS material`);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it.each([
    ['SASL_SSL with PLAIN', sasl('PLAIN')],
    ['SASL_SSL with SCRAM-SHA-512', sasl('SCRAM-SHA-512')],
    ['SSL with a client certificate', mutualTls()],
  ])('%s: writes a record and reads it back', async (what, env) => {
    const kafka = clientOf(env, what.replace(/\W+/g, '-'));
    const value = `${what} ${RUN}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: what, value }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `security-test-${RUN}-${what.replace(/\W+/g, '-')}` });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }: { message: KafkaMessage }) => { seen.push(String(message.value)); } });
      await eventually(async () => seen.length, () => seen.includes(value), 30_000, `${value} read back`);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toContain(value);
  });

  it.each([
    ['a wrong password', sasl('SCRAM-SHA-512', 'not-the-password'), /SASL SCRAM SHA512 authentication failed/],
    ['a CA that does not sign the broker (only the public CAs)', { ...sasl('PLAIN'), IDS_KAFKA_SSL_CA_FILE: '' }, /self[- ]signed certificate/],
    ['no client certificate on the mutual-TLS listener', mutualTls(false), /alert bad certificate|certificate required|ECONNRESET|socket hang up|Connection error/],
  ])('refuses %s', async (_what, env, error) => {
    const probe = clientOf(env, 'refused').admin({ retry: { retries: 0 } });
    await expect(probe.connect().then(() => probe.listTopics())).rejects.toThrow(error);
    await probe.disconnect().catch(() => undefined);
  });

  it('ids topics apply over SASL_SSL; a bad password or a missing setting is named and exits non-zero', () => {
    const ok = ids(['topics', 'apply'], sasl('SCRAM-SHA-512'));
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    expect(ok.stdout).toContain(`topics and schemas applied on ${SASL_SSL}`);

    const refused = ids(['topics', 'apply'], sasl('SCRAM-SHA-512', 'not-the-password'));
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(refused.stderr).not.toContain('not-the-password');

    const incomplete = ids(['topics', 'apply'], { ...sasl('SCRAM-SHA-512'), IDS_KAFKA_SASL_PASSWORD: '' });
    expect(incomplete.status).toBe(2);
    expect(incomplete.stderr).toContain('IDS_KAFKA_SASL_PASSWORD="": required with IDS_KAFKA_SECURITY_PROTOCOL=SASL_SSL');
  });

  it('the schema registry app keeps its schemas topic over mutual TLS', async () => {
    const config = { ...loadRegistryConfig({ ...mutualTls(), IDS_REGISTRY_PORT: '0' }), topic: `_schemas_security_test_${RUN}` };
    const registry = await startRegistry(config, logger);
    try {
      const subject = `security-test-${RUN}-value`;
      const schema = JSON.stringify({ type: 'record', name: 'Probe', namespace: 'ids.test', fields: [{ name: 'n', type: 'int' }] });
      const post = await fetch(`${registry.url}/subjects/${subject}/versions`, { method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema }) });
      expect(post.status).toBe(200);
      const { id } = (await post.json()) as { id: number };
      const got = (await (await fetch(`${registry.url}/schemas/ids/${id}`)).json()) as { schema: string };
      expect(JSON.parse(got.schema)).toEqual(JSON.parse(schema));
    } finally {
      await registry.close();
      await admin.deleteTopics({ topics: [config.topic] }).catch(() => undefined);
    }
  });

  it('the capture and flows apps over SASL_SSL give the embedded runtime\'s flows', async () => {
    const source = join(repoRoot(), 'test', 'cases', 'skeleton', 'capture.pcap');
    const file = writeCapture(join(mkdtempSync(join(tmpdir(), 'ids-security-')), 'capture.pcap'), await framesAtReplayTime(source));
    const expected = (await analyzeCapture(file)).flows.map((f) => f.uid);
    expect(expected.length).toBeGreaterThan(3);
    const start = await admin.fetchTopicOffsets('ids.flows.v1');
    const env = sasl('SCRAM-SHA-512');
    const flows = startApp('flows', env);
    try {
      const capture = startApp('capture', { ...env, IDS_CAPTURE_FILE: file, IDS_INSTANCE_ID: `security-${RUN}` });
      const code = await capture.exited;
      expect({ code, output: code === 0 ? '' : capture.output() }).toEqual({ code: 0, output: '' });
      // The flows on the topic since the test began, read on the plaintext listener: uids are plain UTF-8 in the Avro bytes.
      const written = new Set<string>();
      const consumer = plain.consumer({ groupId: `security-test-${RUN}-flows` });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: 'ids.flows.v1' });
        await consumer.run({ eachMessage: async ({ message }) => { const v = message.value?.toString('latin1') ?? ''; for (const uid of expected) if (v.includes(uid)) written.add(uid); } });
        for (const p of start) consumer.seek({ topic: 'ids.flows.v1', partition: p.partition, offset: p.offset });
        await eventually(async () => written.size, (n) => n === expected.length, 90_000, `the ${expected.length} flows of the capture on ids.flows.v1 (flows app: ${flows.output().slice(-500)})`);
      } finally {
        await consumer.disconnect();
      }
      expect([...written].sort()).toEqual([...expected].sort());
    } finally {
      await stopApp(flows);
    }
  });
});

describe('schema registry with HTTP Basic authentication', () => {
  it('ids topics apply registers the schemas with IDS_SCHEMA_REGISTRY_BASIC_AUTH, and without it names the 401', async () => {
    const topic = `_schemas_basic_auth_test_${RUN}`;
    const config = { ...loadRegistryConfig({ IDS_REGISTRY_PORT: '0', IDS_REGISTRY_BASIC_AUTH: 'ids:pass:word' }), topic };
    const registry = await startRegistry(config, logger);
    try {
      const ok = await idsAsync(['topics', 'apply'], { IDS_SCHEMA_REGISTRY_URL: registry.url, IDS_SCHEMA_REGISTRY_BASIC_AUTH: 'ids:pass:word' });
      expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
      const subjects = await fetch(`${registry.url}/subjects`, { headers: { Authorization: `Basic ${Buffer.from('ids:pass:word').toString('base64')}` } });
      expect(await subjects.json()).toEqual(expect.arrayContaining(['ids.packets.v1-value', 'ids.alerts.v1-value']));

      const refused = await idsAsync(['topics', 'apply'], { IDS_SCHEMA_REGISTRY_URL: registry.url, IDS_SCHEMA_REGISTRY_BASIC_AUTH: 'ids:wrong' });
      expect(refused.status).toBe(3);
      expect(refused.stderr).toContain(`ids: schema registry ${registry.url}: HTTP 401`);
      expect(refused.stderr).toContain('IDS_SCHEMA_REGISTRY_BASIC_AUTH');
      expect(refused.stderr).not.toContain('wrong');
    } finally {
      await registry.close();
      const admin = plain.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
