import { SchemaRegistry as RegistryClient, SchemaType } from '@kafkajs/confluent-schema-registry';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startRegistry, type RunningRegistry } from './registry.app';
import { loadRegistryConfig, type RegistryConfig } from './registry.config';
import { createRegistryLogger } from './registry.logger';

// The registry on the real Kafka (IDS_KAFKA_BROKERS, default 127.0.0.1:9092; `infra/local/kafka.sh
// start`), on a topic of its own per run, driven by the stock KafkaJS and Python clients.
const REPO = resolve(__dirname, '../../..');
const PYTHON = resolve(REPO, '.local/venv/bin/python');
const PYTHON_CHECK = resolve(REPO, 'apps/schema-registry/test/python_client_check.py');
const RUN = `${Date.now()}_${randomBytes(3).toString('hex')}`;

const PACKET = {
  type: 'record', name: 'Packet', namespace: 'ids.inttest',
  fields: [{ name: 'src', type: 'string' }, { name: 'len', type: 'int' }],
};
const PACKET_V2 = { ...PACKET, fields: [...PACKET.fields, { name: 'ttl', type: 'int', default: 64 }] };
const PACKET_V3_NO_DEFAULT = { ...PACKET, fields: [...PACKET_V2.fields, { name: 'flags', type: 'string' }] };

jest.setTimeout(120_000);

describe('schema registry on Kafka', () => {
  const config: RegistryConfig = {
    ...loadRegistryConfig({ ...process.env, IDS_REGISTRY_PORT: '0', IDS_REGISTRY_HOST: '127.0.0.1' }),
    topic: `_schemas_test_${RUN}`,
  };
  const logger = createRegistryLogger(process.env.IDS_LOG_LEVEL ?? 'fatal');
  const kafka = new Kafka({ clientId: 'registry-int-spec', brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  let registry: RunningRegistry;
  const subject = `kafkajs-${RUN}-value`;
  const written: { id: number; bytes: Buffer; payload: object }[] = [];

  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${registry.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect().catch((error: Error) => {
      throw new Error(`no Kafka at ${config.kafka.brokers.join(',')} (start it: infra/local/kafka.sh start): ${error.message}`);
    });
    await admin.disconnect();
    registry = await startRegistry(config, logger);
  });

  afterAll(async () => {
    await registry?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [config.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates its topic compacted, with one partition', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [config.topic] });
      expect(topics[0].partitions).toHaveLength(1);
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: config.topic, configNames: ['cleanup.policy'] }] });
      expect(described.resources[0].configEntries[0].configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  describe('(a) with the @kafkajs/confluent-schema-registry client', () => {
    it('registers, finds the latest id, and round-trips a record in the Confluent wire format', async () => {
      const client = new RegistryClient({ host: registry.url });
      const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(PACKET) }, { subject });
      expect(await client.getLatestSchemaId(subject)).toBe(id);
      expect(await client.getRegistryId(subject, 1)).toBe(id);
      expect((await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(PACKET, null, 2) }, { subject })).id).toBe(id);

      const payload = { src: '10.0.0.1', len: 60 };
      const bytes = await client.encode(id, payload);
      expect(bytes[0]).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(id);
      expect(await client.decode(bytes)).toEqual(payload);
      expect(await new RegistryClient({ host: registry.url }).decode(bytes)).toEqual(payload);
      written.push({ id, bytes, payload });
    });

    it('evolves the subject with a field that has a default', async () => {
      const client = new RegistryClient({ host: registry.url });
      const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(PACKET_V2) }, { subject });
      expect(id).toBeGreaterThan(written[0].id);
      expect(await client.getLatestSchemaId(subject)).toBe(id);
      expect(await client.getRegistryId(subject, 2)).toBe(id);
      const payload = { src: '10.0.0.2', len: 40, ttl: 3 };
      const bytes = await client.encode(id, payload);
      expect(await client.decode(bytes)).toEqual(payload);
      written.push({ id, bytes, payload });
    });
  });

  describe('(d) BACKWARD compatibility', () => {
    it('rejects a field without a default with 409', async () => {
      const response = await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(PACKET_V3_NO_DEFAULT) });
      expect(response).toEqual({ status: 409, json: { error_code: 409, message: expect.stringContaining('ids.inttest.Packet.flags') } });
      const client = new RegistryClient({ host: registry.url });
      await expect(client.register({ type: SchemaType.AVRO, schema: JSON.stringify(PACKET_V3_NO_DEFAULT) }, { subject }))
        .rejects.toMatchObject({ status: 409 });
      expect((await http('GET', `/subjects/${subject}/versions`)).json).toEqual([1, 2]);
    });
  });

  describe('(b) with the Python confluent_kafka SchemaRegistryClient', () => {
    it('passes every check of python_client_check.py', async () => {
      if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: create the venv with infra/local/install.sh`);
      const { code, stdout, stderr } = await run(PYTHON, [PYTHON_CHECK, registry.url, `py-${RUN}`]);
      expect({ code, stderr: stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      const seen = JSON.parse(stdout.trim().split('\n').pop() as string) as { serde_subject: string; serde_bytes: string; ids: number[] };
      // What Python wrote, Node reads back with the same registry.
      const bytes = Buffer.from(seen.serde_bytes, 'hex');
      expect(await new RegistryClient({ host: registry.url }).decode(bytes)).toEqual({ severity: 3, label: 'portscan' });
      written.push({ id: bytes.readInt32BE(1), bytes, payload: { severity: 3, label: 'portscan' } });
      expect((await http('GET', '/subjects')).json).toEqual(expect.arrayContaining([subject, seen.serde_subject]));
      expect((await http('GET', '/subjects?deleted=true')).json).not.toContain(`py-${RUN}-value`);
    });
  });

  describe('two instances on one topic', () => {
    it('agree on every id and version when both register at once', async () => {
      const other = await startRegistry(config, logger);
      try {
        const race = `race-${RUN}-value`;
        await http('PUT', `/config/${race}`, { compatibility: 'NONE' });
        const schemas = Array.from({ length: 12 }, (_, i) => JSON.stringify({ type: 'fixed', name: `F${i}`, size: i + 1 }));
        const results = await Promise.all(schemas.map((schema, i) => post(i % 2 === 0 ? registry.url : other.url, `/subjects/${race}/versions`, { schema })));
        const ids = results.map((r) => (r as { id: number }).id);
        expect(new Set(ids).size).toBe(schemas.length);
        const otherHttp: Http = (method, path) => fetch(`${other.url}${path}`, { method }).then(async (r) => ({ status: r.status, json: await r.json() }));
        await waitFor(async () => ((await otherHttp('GET', `/subjects/${race}/versions`)).json as number[]).length === schemas.length);
        expect((await http('GET', `/subjects/${race}/versions`)).json).toEqual(schemas.map((_, i) => i + 1));
        expect(await snapshot(otherHttp)).toEqual(await snapshot(http));
      } finally {
        await other.close();
      }
    });
  });

  describe('(c) restart', () => {
    it('a new instance on the same topic has every schema, version, id and setting', async () => {
      await http('PUT', `/config/${subject}`, { compatibility: 'FULL' });
      const before = await snapshot(http);
      expect(before.versions.length).toBeGreaterThanOrEqual(3);
      expect(before.levels).toContainEqual([subject, { compatibilityLevel: 'FULL' }]);
      await registry.close();

      registry = await startRegistry(config, logger);
      expect(await snapshot(http)).toEqual(before);
      for (const { bytes, payload } of written) {
        expect(await new RegistryClient({ host: registry.url }).decode(bytes)).toEqual(payload);
      }
      const maxId = Math.max(...before.ids.map((i) => i.id));
      const { json } = await http('POST', `/subjects/after-restart-${RUN}/versions`, { schema: '"bytes"' });
      expect((json as { id: number }).id).toBeGreaterThan(maxId);
    });
  });
});

type Http = (method: string, path: string) => Promise<{ status: number; json: unknown }>;

/** Everything a client can read: subjects, versions with ids and schemas, schemas by id, levels. */
async function snapshot(http: Http) {
  const subjects = (await http('GET', '/subjects?deleted=true')).json as string[];
  const versions = [];
  for (const subject of subjects) {
    for (const version of (await http('GET', `/subjects/${subject}/versions?deleted=true`)).json as number[]) {
      versions.push((await http('GET', `/subjects/${subject}/versions/${version}?deleted=true`)).json as { id: number });
    }
  }
  const ids = [];
  for (const id of [...new Set(versions.map((v) => v.id))].sort((a, b) => a - b)) {
    ids.push({ id, ...((await http('GET', `/schemas/ids/${id}`)).json as object) });
  }
  const levels = await Promise.all(subjects.map(async (s) => [s, (await http('GET', `/config/${s}`)).json]));
  return { subjects, versions, ids, levels, global: (await http('GET', '/config')).json };
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
