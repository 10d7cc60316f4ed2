import { InMemoryRegistryLog } from './in-memory-registry.log';
import { SchemaRegistry } from './schema-registry';
import { SchemaStore } from './schema-store';

const V1 = '{"type":"record","name":"Flow","namespace":"ids","fields":[{"name":"a","type":"int"}]}';
const V1_SPACED = '{ "type": "record", "name": "Flow", "namespace": "ids", "fields": [ { "name": "a", "type": "int" } ] }';
const V2_DEFAULT = '{"type":"record","name":"Flow","namespace":"ids","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":""}]}';
const V2_REQUIRED = '{"type":"record","name":"Flow","namespace":"ids","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}';
const OTHER = '"string"';

const avro = (schema: string) => ({ schema });

describe('SchemaRegistry', () => {
  let store: SchemaStore;
  let log: InMemoryRegistryLog;
  let registry: SchemaRegistry;
  beforeEach(() => {
    store = new SchemaStore();
    log = new InMemoryRegistryLog(store);
    registry = new SchemaRegistry(store, log);
  });

  describe('register', () => {
    it('gives global, increasing ids and per-subject versions', async () => {
      expect(await registry.register('flows-value', avro(V1))).toEqual({ id: 1 });
      expect(await registry.register('flows-value', avro(V2_DEFAULT))).toEqual({ id: 2 });
      expect(await registry.register('alerts-value', avro(OTHER))).toEqual({ id: 3 });
      expect(registry.versions('flows-value')).toEqual([1, 2]);
      expect(registry.version('flows-value', 'latest')).toEqual({ subject: 'flows-value', id: 2, version: 2, schema: V2_DEFAULT });
    });

    it('returns the existing id and version for the same schema, however it is spelled', async () => {
      await registry.register('flows-value', avro(V1));
      const records = log.records.length;
      expect(await registry.register('flows-value', avro(V1_SPACED))).toEqual({ id: 1 });
      expect(registry.versions('flows-value')).toEqual([1]);
      expect(log.records.length).toBe(records);
    });

    it('reuses the id of a schema registered under another subject', async () => {
      await registry.register('a', avro(V1));
      await registry.setCompatibility('b', 'NONE');
      await registry.register('b', avro(OTHER));
      expect(await registry.register('b', avro(V1_SPACED))).toEqual({ id: 1 });
      expect(registry.subjectsOfId(1)).toEqual(['a', 'b']);
      expect(registry.versionsOfId(1)).toEqual([{ subject: 'a', version: 1 }, { subject: 'b', version: 2 }]);
    });

    it.each([
      ['adds a field with a default under BACKWARD', 'BACKWARD', V2_DEFAULT, true],
      ['adds a field without a default under BACKWARD', 'BACKWARD', V2_REQUIRED, false],
      ['adds a field without a default under FORWARD', 'FORWARD', V2_REQUIRED, true],
      ['changes the type under NONE', 'NONE', OTHER, true],
    ])('%s: accepted %s', async (_case, level, next, accepted) => {
      await registry.setCompatibility('flows-value', level);
      await registry.register('flows-value', avro(V1));
      const registration = registry.register('flows-value', avro(next));
      if (accepted) await expect(registration).resolves.toEqual({ id: 2 });
      else await expect(registration).rejects.toMatchObject({ errorCode: 409, httpStatus: 409 });
    });

    it('checks against live versions only', async () => {
      await registry.register('s', avro(V1));
      await registry.deleteSubject('s');
      expect(await registry.register('s', avro(OTHER))).toEqual({ id: 2 });
      expect(registry.versions('s')).toEqual([2]);
      expect(registry.versions('s', { includeDeleted: true })).toEqual([1, 2]);
    });

    it.each([
      ['invalid Avro', { schema: '{"type":"nope"}' }],
      ['a schema type other than AVRO', { schema: V1, schemaType: 'PROTOBUF' }],
      ['references', { schema: V1, references: [{ name: 'x', subject: 'y', version: 1 }] }],
    ])('rejects %s with 42201', async (_case, request) => {
      await expect(registry.register('s', request)).rejects.toMatchObject({ errorCode: 42201, httpStatus: 422 });
    });
  });

  describe('lookup and reads', () => {
    beforeEach(async () => {
      await registry.register('s', avro(V1));
      await registry.register('s', avro(V2_DEFAULT));
    });

    it('finds the version that is the given schema', () => {
      expect(registry.lookup('s', avro(V1_SPACED))).toEqual({ subject: 's', id: 1, version: 1, schema: V1 });
    });

    it.each([
      ['an unknown subject', 'nope', V1, 40401],
      ['an unregistered schema', 's', OTHER, 40403],
    ])('answers %s with %s', (_case, subject, schema, code) => {
      expect(() => registry.lookup(subject, avro(schema))).toThrow(expect.objectContaining({ errorCode: code }));
    });

    it.each([
      ['an unknown id', () => registry.schemaById(99), 40403],
      ['an unknown subject', () => registry.version('nope', 1), 40401],
      ['an unknown version', () => registry.version('s', 3), 40402],
      ['the versions of an unknown subject', () => registry.versions('nope'), 40401],
    ])('answers %s with %s', (_case, read, code) => {
      expect(read).toThrow(expect.objectContaining({ errorCode: code }));
    });

    it('lists subjects by prefix', () => {
      expect(registry.subjects({ prefix: 's' })).toEqual(['s']);
      expect(registry.subjects({ prefix: 'x' })).toEqual([]);
    });
  });

  describe('delete', () => {
    beforeEach(async () => {
      await registry.register('s', avro(V1));
      await registry.register('s', avro(V2_DEFAULT));
    });

    it('soft-deletes a subject, then deletes it permanently', async () => {
      await expect(registry.deleteSubject('s', true)).rejects.toMatchObject({ errorCode: 40405 });
      expect(await registry.deleteSubject('s')).toEqual([1, 2]);
      await expect(registry.deleteSubject('s')).rejects.toMatchObject({ errorCode: 40404 });
      expect(registry.subjects()).toEqual([]);
      expect(registry.subjects({ deletedOnly: true })).toEqual(['s']);
      expect(registry.schemaById(1)).toEqual({ schema: V1 });
      expect(await registry.deleteSubject('s', true)).toEqual([1, 2]);
      expect(() => registry.schemaById(1)).toThrow(expect.objectContaining({ errorCode: 40403 }));
      await expect(registry.deleteSubject('s')).rejects.toMatchObject({ errorCode: 40401 });
    });

    it('never reuses the ids of permanently deleted schemas', async () => {
      await registry.deleteSubject('s');
      await registry.deleteSubject('s', true);
      expect(await registry.register('s', avro(V1))).toEqual({ id: 3 });
      expect(registry.versions('s')).toEqual([1]);
    });

    it('deletes single versions softly, then permanently', async () => {
      await expect(registry.deleteVersion('s', 1, true)).rejects.toMatchObject({ errorCode: 40407 });
      expect(await registry.deleteVersion('s', 'latest')).toBe(2);
      await expect(registry.deleteVersion('s', 2)).rejects.toMatchObject({ errorCode: 40406 });
      expect(registry.version('s', 'latest').version).toBe(1);
      expect(await registry.deleteVersion('s', 2, true)).toBe(2);
      expect(registry.versions('s', { includeDeleted: true })).toEqual([1]);
    });

    it('drops the subject level on soft delete', async () => {
      await registry.setCompatibility('s', 'FULL');
      await registry.deleteSubject('s');
      expect(() => registry.subjectCompatibility('s')).toThrow(expect.objectContaining({ errorCode: 40408 }));
    });
  });

  describe('compatibility', () => {
    it('is BACKWARD by default, per subject when set, and falls back to global on request', async () => {
      expect(registry.globalCompatibility()).toBe('BACKWARD');
      expect(() => registry.subjectCompatibility('s')).toThrow(expect.objectContaining({ errorCode: 40408 }));
      expect(registry.subjectCompatibility('s', true)).toBe('BACKWARD');
      expect(await registry.setCompatibility(null, 'full_transitive')).toBe('FULL_TRANSITIVE');
      expect(await registry.setCompatibility('s', 'NONE')).toBe('NONE');
      expect([registry.globalCompatibility(), registry.subjectCompatibility('s')]).toEqual(['FULL_TRANSITIVE', 'NONE']);
      expect(await registry.deleteCompatibility('s')).toBe('NONE');
      expect(registry.subjectCompatibility('s', true)).toBe('FULL_TRANSITIVE');
    });

    it('rejects an unknown level with 42203', async () => {
      await expect(registry.setCompatibility(null, 'SOMETIMES')).rejects.toMatchObject({ errorCode: 42203 });
    });

    it('tests a schema against the latest, a given version, or an empty subject', async () => {
      await registry.register('s', avro(V1));
      expect(registry.testCompatibility('s', 'latest', avro(V2_DEFAULT)).compatible).toBe(true);
      expect(registry.testCompatibility('s', 1, avro(V2_REQUIRED)).compatible).toBe(false);
      expect(registry.testCompatibility('empty', 'latest', avro(V2_REQUIRED)).compatible).toBe(true);
      expect(() => registry.testCompatibility('s', 5, avro(V1))).toThrow(expect.objectContaining({ errorCode: 40402 }));
    });
  });

  it('serialises the writes of one instance', async () => {
    const ids = await Promise.all([V1, V1_SPACED, OTHER, V1].map((s, i) => registry.register(i === 2 ? 'other' : 's', avro(s))));
    expect(ids).toEqual([{ id: 1 }, { id: 1 }, { id: 2 }, { id: 1 }]);
    expect(registry.versions('s')).toEqual([1]);
  });
});
