/**
 * The registry's one error hierarchy. Each error carries Confluent's `error_code` (what clients
 * branch on), the HTTP status it is answered with, and whether retrying can help.
 */
export abstract class RegistryError extends Error {
  abstract readonly errorCode: number;
  readonly retriable: boolean = false;

  get httpStatus(): number {
    return Number(String(this.errorCode).slice(0, 3));
  }

  protected constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class SubjectNotFoundError extends RegistryError {
  readonly errorCode = 40401;
  constructor(readonly subject: string) { super(`Subject '${subject}' not found.`); }
}

export class VersionNotFoundError extends RegistryError {
  readonly errorCode = 40402;
  constructor(readonly subject: string, readonly version: number | string) { super(`Version ${version} not found.`); }
}

export class SchemaNotFoundError extends RegistryError {
  readonly errorCode = 40403;
  constructor(readonly schemaId?: number | string) {
    super(schemaId === undefined ? 'Schema not found' : `Schema ${schemaId} not found`);
  }
}

export class SubjectSoftDeletedError extends RegistryError {
  readonly errorCode = 40404;
  constructor(readonly subject: string) { super(`Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`); }
}

export class SubjectNotSoftDeletedError extends RegistryError {
  readonly errorCode = 40405;
  constructor(readonly subject: string) { super(`Subject '${subject}' was not deleted first before being permanently deleted`); }
}

export class VersionSoftDeletedError extends RegistryError {
  readonly errorCode = 40406;
  constructor(readonly subject: string, readonly version: number) {
    super(`Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`);
  }
}

export class VersionNotSoftDeletedError extends RegistryError {
  readonly errorCode = 40407;
  constructor(readonly subject: string, readonly version: number) {
    super(`Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
  }
}

export class SubjectConfigNotFoundError extends RegistryError {
  readonly errorCode = 40408;
  constructor(readonly subject: string) { super(`Subject '${subject}' does not have subject-level compatibility configured`); }
}

export class SchemaIncompatibleError extends RegistryError {
  readonly errorCode = 409;
  constructor(readonly subject: string, readonly messages: string[]) {
    super(`Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`);
  }
}

export class SchemaInvalidError extends RegistryError {
  readonly errorCode = 42201;
  constructor(reason: string, readonly schema?: string) { super(`Invalid schema: ${reason}`); }
}

export class VersionInvalidError extends RegistryError {
  readonly errorCode = 42202;
  constructor(readonly version: string) {
    super(`The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
}

export class CompatibilityLevelInvalidError extends RegistryError {
  readonly errorCode = 42203;
  constructor(readonly level: unknown) { super(`Invalid compatibility level ${JSON.stringify(level)}. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE`); }
}

export class StoreError extends RegistryError {
  readonly errorCode = 50001;
  override readonly retriable = true;
  constructor(reason: string, cause?: unknown) { super(`Error in the backend data store: ${reason}`, { cause }); }
}

export class StoreTimeoutError extends RegistryError {
  readonly errorCode = 50002;
  override readonly retriable = true;
  constructor(readonly timeoutMs: number) { super(`Operation timed out: the write was not read back from the store within ${timeoutMs} ms`); }
}
