import type { RegistryLog } from './registry.log';
import type { RegistryRecord } from './registry-record';
import type { ApplyOutcome, SchemaStore } from './schema-store';

/** A log kept in memory and applied at once: for unit tests and a registry with no Kafka. */
export class InMemoryRegistryLog implements RegistryLog {
  readonly records: RegistryRecord[] = [];

  constructor(private readonly store: SchemaStore) {}

  async append(records: RegistryRecord[]): Promise<ApplyOutcome[]> {
    this.records.push(...records);
    return records.map((record) => this.store.apply(record));
  }

  async sync(): Promise<void> {}
}
