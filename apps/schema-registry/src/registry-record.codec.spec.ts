import { decodeRecord, encodeRecord, RecordInvalidError } from './registry-record.codec';
import { configRecord, idFloorRecord, noopRecord, schemaRecord, schemaTombstone, type RegistryRecord } from './registry-record';

describe('registry record codec', () => {
  it.each<[string, RegistryRecord]>([
    ['a schema', schemaRecord({ subject: 's', version: 2, id: 7, schema: '"int"', deleted: false })],
    ['a soft delete', schemaRecord({ subject: 's', version: 2, id: 7, schema: '"int"', deleted: true })],
    ['a hard delete', schemaTombstone('s', 2)],
    ['the global level', configRecord(null, 'FULL')],
    ['a subject level', configRecord('s', 'NONE')],
    ['a removed subject level', configRecord('s', null)],
    ['the id floor', idFloorRecord(12)],
    ['a noop', noopRecord()],
  ])('round-trips %s through JSON bytes', (_what, record) => {
    const { key, value } = encodeRecord(record);
    expect(decodeRecord(Buffer.from(key), value === null ? null : Buffer.from(value))).toEqual(record);
  });

  it.each([
    ['no key', null, null],
    ['a key that is not JSON', 'nope', null],
    ['an unknown key type', '{"keytype":"MODE"}', null],
    ['a bad compatibility level', '{"keytype":"CONFIG","subject":null}', '{"compatibilityLevel":"SOMETIMES"}'],
    ['a value for another key', '{"keytype":"SCHEMA","subject":"s","version":1}', '{"subject":"t","version":1,"id":1,"schema":"\\"int\\"","deleted":false}'],
    ['a negative id', '{"keytype":"SCHEMA","subject":"s","version":1}', '{"subject":"s","version":1,"id":-1,"schema":"\\"int\\"","deleted":false}'],
  ])('rejects %s, naming the key', (_what, key, value) => {
    expect(() => decodeRecord(key, value)).toThrow(RecordInvalidError);
  });
});
