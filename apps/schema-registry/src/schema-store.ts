import { parseAvroSchema, type AvroSchema } from './avro-schema';
import type { CompatibilityLevel } from './compatibility-level';
import type { RegistryRecord, SchemaValue } from './registry-record';

export type ApplyOutcome = { applied: true } | { applied: false; reason: string };

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: AvroSchema;
  deleted: boolean;
}

interface VersionEntry { id: number; deleted: boolean }

/**
 * The registry's state, materialised from the records of `_schemas` in log order. `apply` is
 * deterministic, so every instance that reads the same log holds the same state; a record that
 * contradicts the state (a version or id already taken by another schema) is rejected, never
 * half-applied, and the writer that produced it learns so and retries.
 */
export class SchemaStore {
  private readonly schemas = new Map<number, AvroSchema>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly subjects = new Map<string, Map<number, VersionEntry>>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private idFloor = 0;
  private highestId = 0;

  apply(record: RegistryRecord): ApplyOutcome {
    switch (record.key.keytype) {
      case 'SCHEMA':
        return record.value === null
          ? this.removeVersion(record.key.subject, record.key.version)
          : this.putVersion(record.value as SchemaValue);
      case 'CONFIG': {
        const value = record.value as { compatibilityLevel: CompatibilityLevel } | null;
        if (value === null) this.configs.delete(record.key.subject);
        else this.configs.set(record.key.subject, value.compatibilityLevel);
        return { applied: true };
      }
      case 'ID_FLOOR':
        this.idFloor = Math.max(this.idFloor, (record.value as { id: number }).id);
        this.highestId = Math.max(this.highestId, this.idFloor);
        return { applied: true };
      case 'NOOP':
        return { applied: true };
    }
  }

  /** Subjects with at least one live version (or any version, soft-deleted included), sorted. */
  subjectNames(includeDeleted = false): string[] {
    return [...this.subjects.entries()]
      .filter(([, versions]) => includeDeleted || [...versions.values()].some((v) => !v.deleted))
      .map(([name]) => name)
      .sort();
  }

  /** The versions of a subject, oldest first. */
  versionsOf(subject: string, includeDeleted = false): SubjectVersion[] {
    const versions = this.subjects.get(subject);
    if (versions === undefined) return [];
    return [...versions.entries()]
      .filter(([, entry]) => includeDeleted || !entry.deleted)
      .sort(([a], [b]) => a - b)
      .map(([version, entry]) => this.toSubjectVersion(subject, version, entry));
  }

  /** One version, soft-deleted or not. */
  get(subject: string, version: number): SubjectVersion | undefined {
    const entry = this.subjects.get(subject)?.get(version);
    return entry === undefined ? undefined : this.toSubjectVersion(subject, version, entry);
  }

  hasSubject(subject: string): boolean {
    return this.subjects.has(subject);
  }

  schemaById(id: number): AvroSchema | undefined {
    return this.schemas.get(id);
  }

  /** The id already given to this schema (under any subject), if any. */
  idOf(schema: AvroSchema): number | undefined {
    return this.idByCanonical.get(schema.canonical);
  }

  /** Where an id is used, soft-deleted versions included. */
  usagesOf(id: number): SubjectVersion[] {
    return [...this.subjects.keys()].flatMap((subject) => this.versionsOf(subject, true).filter((v) => v.id === id));
  }

  /** The id a new schema gets: ids are global, increasing and never reused. */
  nextId(): number {
    return Math.max(this.highestId, this.idFloor) + 1;
  }

  /** The highest id ever used, for the floor written before a hard delete. */
  maxId(): number {
    return Math.max(this.highestId, this.idFloor);
  }

  /** The version a new registration under `subject` gets (soft-deleted versions count). */
  nextVersion(subject: string): number {
    const versions = this.subjects.get(subject);
    return versions === undefined || versions.size === 0 ? 1 : Math.max(...versions.keys()) + 1;
  }

  /** The compatibility level set for a subject, or the global one (`null`); undefined if unset. */
  compatibility(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }

  private putVersion(value: SchemaValue): ApplyOutcome {
    let schema: AvroSchema;
    try {
      schema = parseAvroSchema(value.schema);
    } catch (error) {
      return { applied: false, reason: (error as Error).message };
    }
    const known = this.schemas.get(value.id);
    if (known !== undefined && known.canonical !== schema.canonical) {
      return { applied: false, reason: `id ${value.id} belongs to another schema` };
    }
    if (known === undefined) {
      if (value.id <= this.idFloor) return { applied: false, reason: `id ${value.id} was used before and is not reused` };
      const other = this.idByCanonical.get(schema.canonical);
      if (other !== undefined) return { applied: false, reason: `the schema already has id ${other}` };
    }
    const versions = this.subjects.get(value.subject) ?? new Map<number, VersionEntry>();
    const current = versions.get(value.version);
    if (current !== undefined && current.id !== value.id) {
      return { applied: false, reason: `version ${value.version} of '${value.subject}' is another schema` };
    }
    if (!value.deleted) {
      const twin = [...versions.entries()].find(([version, entry]) => version !== value.version && entry.id === value.id && !entry.deleted);
      if (twin !== undefined) return { applied: false, reason: `the schema is already version ${twin[0]} of '${value.subject}'` };
    }
    if (known === undefined) {
      this.schemas.set(value.id, schema);
      this.idByCanonical.set(schema.canonical, value.id);
      this.highestId = Math.max(this.highestId, value.id);
    }
    versions.set(value.version, { id: value.id, deleted: value.deleted });
    this.subjects.set(value.subject, versions);
    return { applied: true };
  }

  private removeVersion(subject: string, version: number): ApplyOutcome {
    const versions = this.subjects.get(subject);
    const entry = versions?.get(version);
    if (versions === undefined || entry === undefined) return { applied: true };
    versions.delete(version);
    if (versions.size === 0) this.subjects.delete(subject);
    if (this.usagesOf(entry.id).length === 0) {
      const schema = this.schemas.get(entry.id);
      this.schemas.delete(entry.id);
      if (schema !== undefined) this.idByCanonical.delete(schema.canonical);
    }
    return { applied: true };
  }

  private toSubjectVersion(subject: string, version: number, entry: VersionEntry): SubjectVersion {
    return { subject, version, id: entry.id, schema: this.schemas.get(entry.id) as AvroSchema, deleted: entry.deleted };
  }
}
