/** An error the CLI reports as one line (no stack trace) with a documented exit status. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit statuses of `ids`, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The input (capture, rule file, configuration) is unusable. */
  badInput: 2,
  /** A dependency (Kafka, registry, ClickHouse) failed. */
  unavailable: 3,
  /** (commander) A usage error: unknown command or option, a missing argument; the usage is printed. */
  usage: 1,
  /** A bug: an unexpected error. */
  internal: 70,
} as const;
