export * from './ids-config';
export * from './config.error';
export { CONFIG_VARIABLES } from './config.schema';
export type { KafkaSecurity, KafkaSecurityProtocol, KafkaSaslMechanism } from './kafka-security.config';
