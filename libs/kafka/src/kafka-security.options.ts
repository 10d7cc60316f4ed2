import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaSecurity } from '@ids/config';

const MECHANISMS = { PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512' } as const;

/**
 * KafkaJS's `ssl` and `sasl` options for the configured security protocol. With TLS and no CA file
 * Node's bundled public CAs are trusted (a managed cluster's certificates); the broker's host name
 * is always verified.
 */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.protocol === 'SSL' || security.protocol === 'SASL_SSL') {
    const { ca, cert, key } = security.tls ?? {};
    options.ssl = ca === undefined && cert === undefined ? true : { ...(ca !== undefined && { ca: [ca] }), ...(cert !== undefined && { cert, key }) };
  }
  if (security.protocol === 'SASL_PLAINTEXT' || security.protocol === 'SASL_SSL') {
    const sasl = security.sasl;
    if (sasl === undefined) throw new Error(`Kafka security protocol ${security.protocol} without SASL settings`);
    options.sasl = { mechanism: MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password } as SASLOptions;
  }
  return options;
}
