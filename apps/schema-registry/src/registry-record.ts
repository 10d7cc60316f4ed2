import type { CompatibilityLevel } from './compatibility-level';

/**
 * The records of the `_schemas` topic (our own JSON layout, compacted by key):
 *
 *   key {"keytype":"SCHEMA","subject":s,"version":v}  value {subject, version, id, schema, deleted} | null (hard delete)
 *   key {"keytype":"CONFIG","subject":s|null}         value {compatibilityLevel} | null (back to the default)
 *   key {"keytype":"ID_FLOOR"}                        value {id}: ids up to this one were used and are never reused
 *   key {"keytype":"NOOP"}                            value null: written to learn the end of the log (sync)
 *
 * `subject: null` in a CONFIG key is the global configuration.
 */
export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number }
  | { keytype: 'CONFIG'; subject: string | null }
  | { keytype: 'ID_FLOOR' }
  | { keytype: 'NOOP' };

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schema: string;
  deleted: boolean;
}

export interface ConfigValue { compatibilityLevel: CompatibilityLevel }

export interface IdFloorValue { id: number }

export type RegistryRecord =
  | { key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; value: SchemaValue | null }
  | { key: Extract<RegistryKey, { keytype: 'CONFIG' }>; value: ConfigValue | null }
  | { key: Extract<RegistryKey, { keytype: 'ID_FLOOR' }>; value: IdFloorValue }
  | { key: Extract<RegistryKey, { keytype: 'NOOP' }>; value: null };

export const schemaRecord = (value: SchemaValue): RegistryRecord =>
  ({ key: { keytype: 'SCHEMA', subject: value.subject, version: value.version }, value });

export const schemaTombstone = (subject: string, version: number): RegistryRecord =>
  ({ key: { keytype: 'SCHEMA', subject, version }, value: null });

export const configRecord = (subject: string | null, level: CompatibilityLevel | null): RegistryRecord =>
  ({ key: { keytype: 'CONFIG', subject }, value: level === null ? null : { compatibilityLevel: level } });

export const idFloorRecord = (id: number): RegistryRecord => ({ key: { keytype: 'ID_FLOOR' }, value: { id } });

export const noopRecord = (): RegistryRecord => ({ key: { keytype: 'NOOP' }, value: null });
