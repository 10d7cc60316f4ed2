import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadSchema, valueSubject, type TopicSpec } from '@ids/contracts';
import { RecordSerdeError, SchemaRegistryRequestError } from './serde.error';

/**
 * Values in the Confluent wire format (magic byte, schema id, Avro body), keys as UTF-8 strings,
 * with one subject per topic (`<topic>-value`), so a stock Confluent client in any language reads
 * every topic. A control marker travels as a null value (a consumer sees a tombstone).
 */
export class TopicSerdes {
  private readonly ids = new Map<string, number>();

  constructor(private readonly registry: SchemaRegistry, private readonly url = '(registry)') {}

  /** `auth`: HTTP Basic credentials, for a registry that requires them. */
  static connect(url: string, auth?: { username: string; password: string }): TopicSerdes {
    return new TopicSerdes(new SchemaRegistry({ host: url, clientId: 'hybrid-ids', ...(auth !== undefined && { auth }) }), url);
  }

  /** Registers each topic's schema under its subject (idempotent: same schema, same id). */
  async register(topics: readonly TopicSpec[]): Promise<Map<string, number>> {
    for (const t of topics) {
      const schema = JSON.stringify(loadSchema(t.schemaFile));
      let id: number;
      try {
        ({ id } = await this.registry.register({ type: SchemaType.AVRO, schema }, { subject: valueSubject(t.name) }));
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        throw new SchemaRegistryRequestError(this.url, typeof status === 'number' ? status : null, `registering ${valueSubject(t.name)}: ${(error as Error).message}`);
      }
      this.ids.set(t.name, id);
    }
    return new Map(this.ids);
  }

  async encodeValue(topic: string, value: unknown): Promise<Buffer | null> {
    if (value === null || value === undefined) return null;
    const id = this.ids.get(topic);
    if (id === undefined) throw new RecordSerdeError('RECORD_ENCODE_FAILED', topic, 'no schema registered for this topic (run `ids topics apply`)');
    try {
      return await this.registry.encode(id, value);
    } catch (error) {
      throw new RecordSerdeError('RECORD_ENCODE_FAILED', topic, (error as Error).message);
    }
  }

  async decodeValue(topic: string, bytes: Buffer | null): Promise<unknown> {
    if (bytes === null || bytes.length === 0) return null;
    try {
      return await this.registry.decode(bytes);
    } catch (error) {
      throw new RecordSerdeError('RECORD_DECODE_FAILED', topic, `cannot decode ${bytes.length} bytes (first bytes ${bytes.subarray(0, 8).toString('hex')}): ${(error as Error).message}`);
    }
  }
}

export function encodeKey(key: string | null): Buffer | null {
  return key === null ? null : Buffer.from(key, 'utf8');
}

export function decodeKey(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}
