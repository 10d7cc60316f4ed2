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
