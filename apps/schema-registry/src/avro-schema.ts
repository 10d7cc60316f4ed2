import { Type } from 'avsc';
import { SchemaInvalidError } from './registry.errors';

/**
 * A parsed Avro schema: the text as it is stored and served (compact JSON), a canonical form
 * used to decide whether two registrations are the same schema, and the avsc type used for
 * compatibility checks.
 *
 * The canonical form is the JSON with object keys sorted and `{"type": "int"}` written as
 * `"int"`, so whitespace, attribute order and that spelling do not make a schema new. Unlike
 * Avro's Parsing Canonical Form it keeps defaults, docs, logical types and custom attributes:
 * a schema that differs in any of them is a new version, as in Confluent's registry.
 */
export interface AvroSchema {
  readonly text: string;
  readonly canonical: string;
  readonly type: Type;
}

export function parseAvroSchema(text: unknown): AvroSchema {
  if (typeof text !== 'string' || text.trim() === '') throw new SchemaInvalidError('empty schema');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemaInvalidError(`not JSON: ${(error as Error).message}`, text);
  }
  let type: Type;
  try {
    type = Type.forSchema(json as Parameters<typeof Type.forSchema>[0], { noAnonymousTypes: false });
  } catch (error) {
    throw new SchemaInvalidError((error as Error).message, text);
  }
  return { text: JSON.stringify(json), canonical: JSON.stringify(canonicalJson(json)), type };
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0] === 'type' && typeof entries[0][1] === 'string' && PRIMITIVES.has(entries[0][1])) {
    return entries[0][1];
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonicalJson(v)]));
}
