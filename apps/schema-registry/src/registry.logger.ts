import { createLogger, type Logger } from '@ids/observability';

export type { Logger };

/** The registry's structured logger (libs/observability). */
export function createRegistryLogger(level = 'info'): Logger {
  return createLogger('schema-registry', level);
}
