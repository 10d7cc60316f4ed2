/** An alert whose `timestamp` cannot be read as an ISO 8601 instant: a poison record. */
export class AlertTimestampInvalidError extends Error {
  readonly code = 'ALERT_TIMESTAMP_INVALID';
  readonly retriable = false;

  constructor(
    readonly timestamp: string,
    readonly alertId: string,
    readonly reason: string,
  ) {
    super(`alert ${JSON.stringify(alertId)}: timestamp ${JSON.stringify(timestamp)} is invalid: ${reason}`);
    this.name = 'AlertTimestampInvalidError';
  }
}
