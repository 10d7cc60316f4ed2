import { parseAvroSchema } from './avro-schema';
import { SchemaInvalidError } from './registry.errors';

const FLOW = '{"type":"record","name":"Flow","fields":[{"name":"a","type":"int","default":1}]}';

describe('parseAvroSchema', () => {
  it.each([
    ['whitespace', '{ "type": "record", "name": "Flow",\n "fields": [ { "name": "a", "type": "int", "default": 1 } ] }'],
    ['attribute order', '{"fields":[{"default":1,"type":"int","name":"a"}],"name":"Flow","type":"record"}'],
    ['a primitive written as an object', '{"type":"record","name":"Flow","fields":[{"name":"a","type":{"type":"int"},"default":1}]}'],
  ])('treats a difference in %s as the same schema', (_what, text) => {
    expect(parseAvroSchema(text).canonical).toBe(parseAvroSchema(FLOW).canonical);
  });

  it.each([
    ['a default', '{"type":"record","name":"Flow","fields":[{"name":"a","type":"int","default":2}]}'],
    ['a doc', '{"type":"record","name":"Flow","doc":"d","fields":[{"name":"a","type":"int","default":1}]}'],
    ['a logical type', '{"type":"record","name":"Flow","fields":[{"name":"a","type":{"type":"int","logicalType":"date"},"default":1}]}'],
    ['field order', '{"type":"record","name":"Flow","fields":[{"name":"b","type":"int"},{"name":"a","type":"int","default":1}]}'],
  ])('treats a difference in %s as another schema', (_what, text) => {
    expect(parseAvroSchema(text).canonical).not.toBe(parseAvroSchema(FLOW).canonical);
  });

  it('stores the schema as compact JSON', () => {
    expect(parseAvroSchema('{ "type" : "string" }').text).toBe('{"type":"string"}');
  });

  it.each([
    ['empty', ''],
    ['not JSON', '{type: record'],
    ['an unknown type', '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}'],
    ['a default of the wrong type', '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}'],
    ['not a string', 42],
  ])('rejects %s with error 42201', (_what, text) => {
    expect(() => parseAvroSchema(text)).toThrow(SchemaInvalidError);
  });
});
