import type { LoggerService } from '@nestjs/common';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs (pino) to stderr; the one logger of the registry. */
export function createRegistryLogger(level = 'info'): Logger {
  return pino({ name: 'schema-registry', level, base: { service: 'schema-registry' } }, pino.destination(2));
}

const KAFKA_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug',
};

/** Routes KafkaJS's own logs into ours. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, ...extra } = log;
    logger[KAFKA_LEVELS[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
  };
}

/** Nest's logger interface over pino. Nest's own start-up chatter (routes mapped) goes to debug. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.logger.warn({ context }, String(message)); }
  debug(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string) { this.logger.trace({ context }, String(message)); }
}
