import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs to stderr, so stdout stays free for a command's own output. Written
 * synchronously: the lines around a shutdown or a crash are the ones that matter.
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { service: name } }, pino.destination({ dest: 2, sync: true }));
}
