import { parseAvroSchema, type AvroSchema } from './avro-schema';
import { CompatibilityChecker, type CompatibilityResult } from './compatibility.checker';
import { DEFAULT_COMPATIBILITY_LEVEL, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility-level';
import {
  SchemaIncompatibleError, SchemaInvalidError, SchemaNotFoundError, StoreError, SubjectConfigNotFoundError,
  SubjectNotFoundError, SubjectNotSoftDeletedError, SubjectSoftDeletedError, VersionNotFoundError,
  VersionNotSoftDeletedError, VersionSoftDeletedError,
} from './registry.errors';
import type { RegistryLog } from './registry.log';
import { configRecord, idFloorRecord, schemaRecord, schemaTombstone, type RegistryRecord } from './registry-record';
import type { SchemaRequest } from './schema-request';
import type { SchemaStore, SubjectVersion } from './schema-store';
import type { VersionId } from './version-id';

/** A version as the REST API shows it. */
export interface RegisteredSchema {
  subject: string;
  id: number;
  version: number;
  schema: string;
}

export interface ListOptions {
  includeDeleted?: boolean;
  deletedOnly?: boolean;
}

/** How often a write that lost a race with another instance is retried on fresh state. */
const WRITE_ATTEMPTS = 10;

/**
 * The registry's behaviour (Confluent's semantics for Avro): subjects, versions, global ids,
 * compatibility and configuration. Reads are answered from the local store; writes go through
 * the log and return once they have been applied to the local store. No HTTP, no Kafka here.
 */
export class SchemaRegistry {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SchemaStore,
    private readonly log: RegistryLog,
    private readonly checker = new CompatibilityChecker(),
  ) {}

  /** Registers a schema under a subject; the same schema registered again keeps its id and version. */
  async register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    const schema = this.parse(request);
    const known = this.find(subject, schema, false);
    if (known !== undefined) return { id: known.id };
    return this.exclusive(async () => {
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
        const existing = this.find(subject, schema, false);
        if (existing !== undefined) return { id: existing.id };
        const live = this.store.versionsOf(subject);
        const result = this.checker.check(schema.type, live.map((v) => v.schema.type), this.effectiveLevel(subject));
        if (!result.compatible) throw new SchemaIncompatibleError(subject, result.messages);
        const id = this.store.idOf(schema) ?? this.store.nextId();
        const version = this.store.nextVersion(subject);
        const [outcome] = await this.log.append([schemaRecord({ subject, version, id, schema: schema.text, deleted: false })]);
        if (outcome.applied) return { id };
        await this.repair(subject, version);
      }
      throw new StoreError(`registration under '${subject}' kept conflicting with concurrent writes`);
    });
  }

  /** Finds the version of a subject that is this schema (POST /subjects/{subject}). */
  lookup(subject: string, request: SchemaRequest, includeDeleted = false): RegisteredSchema {
    const schema = this.parse(request);
    if (this.store.versionsOf(subject, includeDeleted).length === 0) throw new SubjectNotFoundError(subject);
    const found = this.find(subject, schema, includeDeleted);
    if (found === undefined) throw new SchemaNotFoundError();
    return present(found);
  }

  schemaById(id: number): { schema: string } {
    return { schema: this.schemaOrThrow(id).text };
  }

  /** The subject-versions that use an id. */
  versionsOfId(id: number, includeDeleted = false): { subject: string; version: number }[] {
    this.schemaOrThrow(id);
    return this.store.usagesOf(id).filter((v) => includeDeleted || !v.deleted).map(({ subject, version }) => ({ subject, version }));
  }

  subjectsOfId(id: number, includeDeleted = false): string[] {
    return [...new Set(this.versionsOfId(id, includeDeleted).map((v) => v.subject))];
  }

  /** Subjects with live versions; `includeDeleted` adds soft-deleted ones, `deletedOnly` lists only those. */
  subjects(options: ListOptions & { prefix?: string } = {}): string[] {
    const live = new Set(this.store.subjectNames(false));
    return this.store.subjectNames(options.includeDeleted || options.deletedOnly)
      .filter((s) => s.startsWith(options.prefix ?? ''))
      .filter((s) => !options.deletedOnly || !live.has(s));
  }

  versions(subject: string, options: ListOptions = {}): number[] {
    const all = this.store.versionsOf(subject, true);
    if (all.length === 0 || (!options.includeDeleted && all.every((v) => v.deleted))) throw new SubjectNotFoundError(subject);
    return all
      .filter((v) => (options.deletedOnly ? v.deleted : options.includeDeleted || !v.deleted))
      .map((v) => v.version);
  }

  version(subject: string, versionId: VersionId, includeDeleted = false): RegisteredSchema {
    return present(this.versionOrThrow(subject, versionId, includeDeleted));
  }

  /** Soft delete marks every live version deleted; permanent delete removes soft-deleted versions. */
  deleteSubject(subject: string, permanent = false): Promise<number[]> {
    return this.exclusive(async () => {
      const all = this.store.versionsOf(subject, true);
      if (all.length === 0) throw new SubjectNotFoundError(subject);
      const live = all.filter((v) => !v.deleted);
      if (!permanent) {
        if (live.length === 0) throw new SubjectSoftDeletedError(subject);
        const records: RegistryRecord[] = live.map((v) => schemaRecord({ ...stored(v), deleted: true }));
        if (this.store.compatibility(subject) !== undefined) records.push(configRecord(subject, null));
        await this.appendAll(records);
        return live.map((v) => v.version);
      }
      if (live.length > 0) throw new SubjectNotSoftDeletedError(subject);
      await this.appendAll([idFloorRecord(this.store.maxId()), ...all.map((v) => schemaTombstone(subject, v.version))]);
      return all.map((v) => v.version);
    });
  }

  deleteVersion(subject: string, versionId: VersionId, permanent = false): Promise<number> {
    return this.exclusive(async () => {
      if (!permanent && typeof versionId === 'number' && this.store.get(subject, versionId)?.deleted) {
        throw new VersionSoftDeletedError(subject, versionId);
      }
      const target = this.versionOrThrow(subject, versionId, permanent);
      if (!permanent) {
        await this.appendAll([schemaRecord({ ...stored(target), deleted: true })]);
      } else {
        if (!target.deleted) throw new VersionNotSoftDeletedError(subject, target.version);
        await this.appendAll([idFloorRecord(this.store.maxId()), schemaTombstone(subject, target.version)]);
      }
      return target.version;
    });
  }

  /**
   * Whether a schema could be registered: against one version, or (version omitted or `latest`)
   * against the versions the subject's level checks. A subject with no versions accepts anything.
   */
  testCompatibility(subject: string, versionId: VersionId | undefined, request: SchemaRequest): CompatibilityResult {
    const schema = this.parse(request);
    const level = this.effectiveLevel(subject);
    if (versionId === undefined || versionId === 'latest') {
      return this.checker.check(schema.type, this.store.versionsOf(subject).map((v) => v.schema.type), level);
    }
    const target = this.versionOrThrow(subject, versionId, false);
    return this.checker.check(schema.type, [target.schema.type], level);
  }

  globalCompatibility(): CompatibilityLevel {
    return this.store.compatibility(null) ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  subjectCompatibility(subject: string, defaultToGlobal = false): CompatibilityLevel {
    const level = this.store.compatibility(subject);
    if (level !== undefined) return level;
    if (defaultToGlobal) return this.globalCompatibility();
    throw new SubjectConfigNotFoundError(subject);
  }

  /** Sets the level of a subject, or the global one (`subject` null). */
  async setCompatibility(subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    const parsed = parseCompatibilityLevel(level);
    return this.exclusive(async () => {
      await this.appendAll([configRecord(subject, parsed)]);
      return parsed;
    });
  }

  /** Removes a subject's level (it falls back to the global one) or resets the global level. */
  deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.exclusive(async () => {
      const previous = subject === null ? this.globalCompatibility() : this.subjectCompatibility(subject);
      await this.appendAll([configRecord(subject, null)]);
      return previous;
    });
  }

  private effectiveLevel(subject: string): CompatibilityLevel {
    return this.store.compatibility(subject) ?? this.globalCompatibility();
  }

  private parse(request: SchemaRequest): AvroSchema {
    const type = (request.schemaType ?? 'AVRO').toUpperCase();
    if (type !== 'AVRO') throw new SchemaInvalidError(`schema type ${request.schemaType} is not supported; this registry supports AVRO only`);
    if (request.references !== undefined && request.references.length > 0) throw new SchemaInvalidError('schema references are not supported');
    return parseAvroSchema(request.schema);
  }

  private find(subject: string, schema: AvroSchema, includeDeleted: boolean): SubjectVersion | undefined {
    const id = this.store.idOf(schema);
    if (id === undefined) return undefined;
    return this.store.versionsOf(subject, includeDeleted).filter((v) => v.id === id).pop();
  }

  private schemaOrThrow(id: number): AvroSchema {
    const schema = this.store.schemaById(id);
    if (schema === undefined) throw new SchemaNotFoundError(id);
    return schema;
  }

  private versionOrThrow(subject: string, versionId: VersionId, includeDeleted: boolean): SubjectVersion {
    const versions = this.store.versionsOf(subject, includeDeleted);
    if (versions.length === 0) throw new SubjectNotFoundError(subject);
    if (versionId === 'latest') return versions[versions.length - 1];
    const found = versions.find((v) => v.version === versionId);
    if (found === undefined) throw new VersionNotFoundError(subject, versionId);
    return found;
  }

  /** A record of ours lost to a concurrent writer: write the winner again so compaction keeps it. */
  private async repair(subject: string, version: number): Promise<void> {
    const winner = this.store.get(subject, version);
    if (winner !== undefined) await this.log.append([schemaRecord(stored(winner))]);
    await this.log.sync();
  }

  private async appendAll(records: RegistryRecord[]): Promise<void> {
    const outcomes = await this.log.append(records);
    const rejected = outcomes.find((o): o is { applied: false; reason: string } => !o.applied);
    if (rejected !== undefined) throw new StoreError(`a concurrent write won: ${rejected.reason}`);
  }

  /** Writes of one instance happen one at a time, each on the state the previous one left. */
  private exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writes.then(async () => {
      await this.log.sync();
      return write();
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}

function present(v: SubjectVersion): RegisteredSchema {
  return { subject: v.subject, id: v.id, version: v.version, schema: v.schema.text };
}

function stored(v: SubjectVersion) {
  return { subject: v.subject, version: v.version, id: v.id, schema: v.schema.text, deleted: v.deleted };
}
