import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { KafkaSecurity } from '@ids/config';
import type { Logger } from '@ids/observability';
import { kafkaSecurityOptions } from './kafka-security.options';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug',
};

/**
 * The broker's CONCURRENT_TRANSACTIONS answer ("another concurrent operation on the same
 * transaction"), which it gives while it still writes the previous commit's markers: KafkaJS logs
 * each one at error level, though the runner retries the step (`whileTransactionBusy`).
 */
const TRANSACTION_BUSY = 'another concurrent operation on the same transaction';

/** The level a KafkaJS log entry is written at: its own, but debug for a busy transaction coordinator. */
export function kafkaLogLevel(level: number, log: { message?: string; error?: unknown }): 'error' | 'warn' | 'info' | 'debug' {
  const text = `${log.message ?? ''} ${typeof log.error === 'string' ? log.error : ''}`;
  if (text.includes(TRANSACTION_BUSY)) return 'debug';
  return LEVELS[level] ?? 'info';
}

/** Routes KafkaJS's own logs into our structured logger. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, ...extra } = log;
    logger[kafkaLogLevel(level, log)]({ kafkajs: namespace, ...extra }, message);
  };
}

/** A KafkaJS client whose logs go through our structured logger, connecting as `security` says (default PLAINTEXT). */
export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger; security?: KafkaSecurity }): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaSecurityOptions(options.security ?? { protocol: 'PLAINTEXT' }),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
  });
}
