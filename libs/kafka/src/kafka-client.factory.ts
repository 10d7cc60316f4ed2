import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@ids/observability';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug',
};

/** A KafkaJS client whose logs go through our structured logger. */
export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      options.logger[LEVELS[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
    },
  });
}
