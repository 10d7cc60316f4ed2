/** A record's bytes could not be decoded, or a value could not be encoded, for `topic`. */
export class RecordSerdeError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: 'RECORD_DECODE_FAILED' | 'RECORD_ENCODE_FAILED',
    readonly topic: string,
    message: string,
  ) {
    super(`${topic}: ${message}`);
    this.name = 'RecordSerdeError';
  }
}

/**
 * The schema registry refused a request (`status`: its HTTP status, e.g. 401 without the right
 * credentials) or could not be reached (`status` null).
 */
export class SchemaRegistryRequestError extends Error {
  readonly code = 'SCHEMA_REGISTRY_REQUEST_FAILED';
  readonly retriable: boolean;
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
  ) {
    const hint = status === 401 || status === 403 ? ' (credentials: IDS_SCHEMA_REGISTRY_BASIC_AUTH)' : '';
    super(`schema registry ${url}: ${status === null ? 'unreachable' : `HTTP ${status}`}: ${message}${hint}`);
    this.name = 'SchemaRegistryRequestError';
    this.retriable = status === null || status >= 500;
  }
}
