import { z } from 'zod';
import { COMPATIBILITY_LEVELS } from './compatibility-level';
import type { RegistryRecord } from './registry-record';

export class RecordInvalidError extends Error {
  readonly code = 'RECORD_INVALID';
  readonly retriable = false;
  constructor(readonly key: string | null, reason: string) {
    super(`invalid registry record (key ${JSON.stringify(key)}): ${reason}`);
    this.name = 'RecordInvalidError';
  }
}

const positive = z.number().int().positive();
const subject = z.string().min(1);

const keySchema = z.discriminatedUnion('keytype', [
  z.object({ keytype: z.literal('SCHEMA'), subject, version: positive }),
  z.object({ keytype: z.literal('CONFIG'), subject: subject.nullable() }),
  z.object({ keytype: z.literal('ID_FLOOR') }),
  z.object({ keytype: z.literal('NOOP') }),
]);

const schemaValue = z.object({ subject, version: positive, id: positive, schema: z.string().min(1), deleted: z.boolean() });
const configValue = z.object({ compatibilityLevel: z.enum(COMPATIBILITY_LEVELS) });
const idFloorValue = z.object({ id: z.number().int().nonnegative() });

/** Encodes a record as the JSON key and value written to the topic (null value: tombstone). */
export function encodeRecord(record: RegistryRecord): { key: string; value: string | null } {
  return { key: JSON.stringify(record.key), value: record.value === null ? null : JSON.stringify(record.value) };
}

/** Decodes and validates the bytes read from the topic. */
export function decodeRecord(key: Buffer | string | null, value: Buffer | string | null): RegistryRecord {
  const keyText = key === null ? null : key.toString();
  if (keyText === null) throw new RecordInvalidError(null, 'missing key');
  const k = keySchema.safeParse(parseJson(keyText, keyText));
  if (!k.success) throw new RecordInvalidError(keyText, z.prettifyError(k.error));
  if (value === null || k.data.keytype === 'NOOP') {
    if (k.data.keytype === 'ID_FLOOR') throw new RecordInvalidError(keyText, 'ID_FLOOR needs a value');
    return { key: k.data, value: null } as RegistryRecord;
  }
  const valueJson = parseJson(value.toString(), keyText);
  const parsed = { SCHEMA: schemaValue, CONFIG: configValue, ID_FLOOR: idFloorValue }[k.data.keytype].safeParse(valueJson);
  if (!parsed.success) throw new RecordInvalidError(keyText, z.prettifyError(parsed.error));
  if (k.data.keytype === 'SCHEMA') {
    const v = parsed.data as z.infer<typeof schemaValue>;
    if (v.subject !== k.data.subject || v.version !== k.data.version) throw new RecordInvalidError(keyText, 'value does not match its key');
  }
  return { key: k.data, value: parsed.data } as RegistryRecord;
}

function parseJson(text: string, keyText: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RecordInvalidError(keyText, `not JSON: ${(error as Error).message}`);
  }
}
