import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { InMemoryRegistryLog } from './in-memory-registry.log';
import { createRegistryApp } from './registry.app';
import { createRegistryLogger } from './registry.logger';
import { SchemaStore } from './schema-store';

const V1 = '{"type":"record","name":"Flow","fields":[{"name":"a","type":"int"}]}';
const V2_REQUIRED = '{"type":"record","name":"Flow","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}';
const VND = 'application/vnd.schemaregistry.v1+json';

// The HTTP shell over an in-memory log: routes, content types and Confluent's error bodies.
describe('registry HTTP API', () => {
  let app: NestExpressApplication;
  let base: string;

  const call = async (method: string, path: string, body?: unknown, contentType = VND) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text, json: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    const store = new SchemaStore();
    app = await createRegistryApp({ store, log: new InMemoryRegistryLog(store) }, createRegistryLogger('silent'));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await call('POST', '/subjects/flows-value/versions', { schema: V1 });
  });
  afterAll(() => app.close());

  it.each([VND, 'application/vnd.schemaregistry+json', 'application/json', 'application/json; charset=utf-8'])(
    'reads a %s body and answers 200 in the registry content type',
    async (contentType) => {
      const response = await call('POST', '/subjects/flows-value', { schema: V1 }, contentType);
      expect(response).toMatchObject({ status: 200, json: { subject: 'flows-value', id: 1, version: 1, schema: V1 } });
      expect(response.type).toContain(VND);
    },
  );

  it.each([
    ['GET', '/subjects', undefined, 200, ['flows-value']],
    ['GET', '/subjects/flows-value/versions', undefined, 200, [1]],
    ['GET', '/subjects/flows-value/versions/latest', undefined, 200, { subject: 'flows-value', id: 1, version: 1, schema: V1 }],
    ['GET', '/schemas/ids/1', undefined, 200, { schema: V1 }],
    ['GET', '/schemas/ids/1/versions', undefined, 200, [{ subject: 'flows-value', version: 1 }]],
    ['GET', '/schemas/types', undefined, 200, ['AVRO']],
    ['GET', '/config', undefined, 200, { compatibilityLevel: 'BACKWARD' }],
    ['GET', '/config/flows-value?defaultToGlobal=true', undefined, 200, { compatibilityLevel: 'BACKWARD' }],
    ['POST', '/compatibility/subjects/flows-value/versions/latest', { schema: V2_REQUIRED }, 200, { is_compatible: false }],
    ['GET', '/health', undefined, 200, { status: 'UP' }],
    ['GET', '/', undefined, 200, {}],
  ])('%s %s → %s', async (method, path, body, status, json) => {
    expect(await call(method, path, body)).toMatchObject({ status, json });
  });

  it.each([
    ['GET', '/subjects/nope/versions', undefined, 404, 40401],
    ['GET', '/subjects/flows-value/versions/9', undefined, 404, 40402],
    ['GET', '/schemas/ids/9', undefined, 404, 40403],
    ['GET', '/config/flows-value', undefined, 404, 40408],
    ['POST', '/subjects/flows-value/versions', { schema: '{"type":"nope"}' }, 422, 42201],
    ['POST', '/subjects/flows-value/versions', { schema: V1, schemaType: 'JSON' }, 422, 42201],
    ['POST', '/subjects/flows-value/versions', {}, 422, 42201],
    ['GET', '/subjects/flows-value/versions/zero', undefined, 422, 42202],
    ['PUT', '/config', { compatibility: 'SOMETIMES' }, 422, 42203],
    ['POST', '/subjects/flows-value/versions', { schema: V2_REQUIRED }, 409, 409],
    ['POST', '/subjects/flows-value/versions', '{"schema": ', 400, 400],
    ['GET', '/no/such/route', undefined, 404, 404],
  ])('%s %s → %s with error_code %s', async (method, path, body, status, errorCode) => {
    const response = await call(method, path, body);
    expect(response).toMatchObject({ status, json: { error_code: errorCode, message: expect.any(String) } });
    expect(response.type).toContain(VND);
  });

  it('serves the raw schema under /schema', async () => {
    expect(await call('GET', '/subjects/flows-value/versions/1/schema')).toMatchObject({ status: 200, text: V1 });
  });

  it('explains an incompatibility when asked to be verbose', async () => {
    const response = await call('POST', '/compatibility/subjects/flows-value/versions/latest?verbose=true', { schema: V2_REQUIRED });
    expect(response.json).toEqual({ is_compatible: false, messages: [expect.stringContaining('Flow.b')] });
  });

  it('sets and reads a subject level, and deletes a subject softly then permanently', async () => {
    expect(await call('PUT', '/config/tmp', { compatibility: 'none' })).toMatchObject({ status: 200, json: { compatibility: 'NONE' } });
    expect(await call('POST', '/subjects/tmp/versions', { schema: '"int"' })).toMatchObject({ status: 200, json: { id: 2 } });
    expect(await call('GET', '/config/tmp')).toMatchObject({ json: { compatibilityLevel: 'NONE' } });
    expect(await call('DELETE', '/subjects/tmp?permanent=true')).toMatchObject({ status: 404, json: { error_code: 40405 } });
    expect(await call('DELETE', '/subjects/tmp')).toMatchObject({ status: 200, json: [1] });
    expect(await call('GET', '/subjects?deleted=true')).toMatchObject({ json: ['flows-value', 'tmp'] });
    expect(await call('DELETE', '/subjects/tmp?permanent=true')).toMatchObject({ status: 200, json: [1] });
    expect(await call('GET', '/subjects?deleted=true')).toMatchObject({ json: ['flows-value'] });
  });
});

describe('registry HTTP API with Basic authentication', () => {
  let app: NestExpressApplication;
  let base: string;
  const basic = (userInfo: string) => `Basic ${Buffer.from(userInfo).toString('base64')}`;

  beforeAll(async () => {
    const store = new SchemaStore();
    app = await createRegistryApp({ store, log: new InMemoryRegistryLog(store) }, createRegistryLogger('silent'), { username: 'ids', password: 'pa:ss' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it.each([
    ['no credentials', 'GET', '/subjects', undefined, 401],
    ['a wrong password', 'GET', '/subjects', basic('ids:pa'), 401],
    ['another user', 'GET', '/subjects', basic('admin:pa:ss'), 401],
    ['not Basic', 'GET', '/subjects', 'Bearer abc', 401],
    ['the credentials', 'GET', '/subjects', basic('ids:pa:ss'), 200],
    ['the credentials, on a write', 'POST', '/subjects/flows-value/versions', basic('ids:pa:ss'), 200],
    ['no credentials, on a write', 'POST', '/subjects/flows-value/versions', undefined, 401],
    ['no credentials, for the health probe', 'GET', '/health', undefined, 200],
  ])('%s: %s %s → %s', async (_what, method, path, authorization, status) => {
    const headers: Record<string, string> = { 'Content-Type': VND, ...(authorization !== undefined && { Authorization: authorization }) };
    const response = await fetch(`${base}${path}`, { method, headers, body: method === 'POST' ? JSON.stringify({ schema: V1 }) : undefined });
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="ids-schema-registry"');
      expect(await response.json()).toEqual({ error_code: 401, message: 'Unauthorized' });
    }
  });
});
