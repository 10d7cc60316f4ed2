import { configRecord, idFloorRecord, noopRecord, schemaRecord, schemaTombstone, type SchemaValue } from './registry-record';
import { SchemaStore } from './schema-store';

const S1 = '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}';
const S2 = '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}';
const value = (subject: string, version: number, id: number, schema: string, deleted = false): SchemaValue =>
  ({ subject, version, id, schema, deleted });

describe('SchemaStore', () => {
  let store: SchemaStore;
  beforeEach(() => {
    store = new SchemaStore();
    store.apply(schemaRecord(value('a', 1, 1, S1)));
  });

  it('materialises versions, ids and the next id and version', () => {
    store.apply(schemaRecord(value('a', 2, 2, S2)));
    store.apply(schemaRecord(value('b', 1, 1, S1)));
    expect(store.subjectNames()).toEqual(['a', 'b']);
    expect(store.versionsOf('a').map((v) => [v.version, v.id])).toEqual([[1, 1], [2, 2]]);
    expect(store.usagesOf(1).map((v) => v.subject)).toEqual(['a', 'b']);
    expect(store.nextId()).toBe(3);
    expect(store.nextVersion('a')).toBe(3);
    expect(store.nextVersion('new')).toBe(1);
  });

  // Records that contradict the state are rejected whole, so every reader of the log agrees.
  it.each([
    ['a version taken by another schema', value('a', 1, 2, S2), /version 1 of 'a' is another schema/],
    ['an id taken by another schema', value('b', 1, 1, S2), /id 1 belongs to another schema/],
    ['a second id for a known schema', value('b', 1, 7, S1), /already has id 1/],
    ['the same schema twice in a subject', value('a', 2, 1, S1), /already version 1 of 'a'/],
    ['an invalid schema', value('c', 1, 9, '{"type":"nope"}'), /Invalid schema/],
  ])('rejects %s', (_case, v, reason) => {
    const outcome = store.apply(schemaRecord(v));
    expect(outcome).toEqual({ applied: false, reason: expect.stringMatching(reason) });
    expect(store.versionsOf('a').map((x) => [x.version, x.id])).toEqual([[1, 1]]);
  });

  it('applies the same record again (a repair) without change', () => {
    expect(store.apply(schemaRecord(value('a', 1, 1, S1)))).toEqual({ applied: true });
    expect(store.versionsOf('a')).toHaveLength(1);
  });

  it('soft-deletes with a new value and forgets an id once its last version is hard-deleted', () => {
    store.apply(schemaRecord(value('a', 1, 1, S1, true)));
    expect(store.subjectNames()).toEqual([]);
    expect(store.subjectNames(true)).toEqual(['a']);
    expect(store.schemaById(1)).toBeDefined();
    store.apply(schemaTombstone('a', 1));
    expect(store.subjectNames(true)).toEqual([]);
    expect(store.schemaById(1)).toBeUndefined();
  });

  it('never reuses an id below the floor, even after its schema is gone', () => {
    store.apply(idFloorRecord(1));
    store.apply(schemaTombstone('a', 1));
    expect(store.nextId()).toBe(2);
    expect(store.apply(schemaRecord(value('b', 1, 1, S2)))).toEqual({ applied: false, reason: expect.stringMatching(/not reused/) });
  });

  it('keeps subject and global compatibility levels, and removes them on a tombstone', () => {
    store.apply(configRecord(null, 'FULL'));
    store.apply(configRecord('a', 'NONE'));
    expect([store.compatibility(null), store.compatibility('a')]).toEqual(['FULL', 'NONE']);
    store.apply(configRecord('a', null));
    expect(store.compatibility('a')).toBeUndefined();
  });

  it('ignores NOOP records', () => {
    expect(store.apply(noopRecord())).toEqual({ applied: true });
    expect(store.nextId()).toBe(2);
  });
});
