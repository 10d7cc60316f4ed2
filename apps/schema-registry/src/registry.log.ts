import type { RegistryRecord } from './registry-record';
import type { ApplyOutcome } from './schema-store';

/**
 * Where the registry's writes go: an ordered log whose records every instance applies to its
 * own `SchemaStore`. Writes are read back: `append` resolves once the records have been applied
 * to this instance's store, with what applying each one did.
 */
export interface RegistryLog {
  append(records: RegistryRecord[]): Promise<ApplyOutcome[]>;
  /** Resolves once every record written to the log before the call has been applied locally. */
  sync(): Promise<void>;
}
