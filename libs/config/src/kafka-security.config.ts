import { readFileSync } from 'node:fs';
import type { ConfigProblem } from './config.error';
import type { RawConfig } from './config.schema';

export type KafkaSecurityProtocol = RawConfig['IDS_KAFKA_SECURITY_PROTOCOL'];
export type KafkaSaslMechanism = NonNullable<RawConfig['IDS_KAFKA_SASL_MECHANISM']>;

/** How every Kafka client of the system connects: Kafka's `security.protocol` and what it needs. */
export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  /** With SASL_PLAINTEXT and SASL_SSL. */
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** With SSL and SASL_SSL: the PEM texts of the files, read and checked at start-up. */
  tls?: { ca?: string; cert?: string; key?: string };
}

const SASL_VARIABLES = ['IDS_KAFKA_SASL_MECHANISM', 'IDS_KAFKA_SASL_USERNAME', 'IDS_KAFKA_SASL_PASSWORD'] as const;
const TLS_VARIABLES = ['IDS_KAFKA_SSL_CA_FILE', 'IDS_KAFKA_SSL_CERT_FILE', 'IDS_KAFKA_SSL_KEY_FILE'] as const;

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/;
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

/**
 * The Kafka security settings, checked together: what the protocol needs is there, nothing is set
 * that it would ignore (a password given with PLAINTEXT is a mistake to report, not to drop), and
 * the TLS files are readable PEM of the right kind. Problems are added to `problems`.
 */
export function kafkaSecurityOf(c: RawConfig, problems: ConfigProblem[]): KafkaSecurity {
  const protocol = c.IDS_KAFKA_SECURITY_PROTOCOL;
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const security: KafkaSecurity = { protocol };
  const unused = (variables: readonly (keyof RawConfig)[], what: string) => {
    for (const v of variables) {
      const value = c[v];
      if (value !== undefined) problems.push({ variable: v, value: String(value), reason: `only used with ${what} (IDS_KAFKA_SECURITY_PROTOCOL=${protocol})` });
    }
  };
  const required = (v: keyof RawConfig, why: string) => problems.push({ variable: v, value: undefined, reason: `required with ${why}` });

  if (usesSasl) {
    for (const v of SASL_VARIABLES) if (c[v] === undefined) required(v, `IDS_KAFKA_SECURITY_PROTOCOL=${protocol}`);
    if (c.IDS_KAFKA_SASL_MECHANISM !== undefined && c.IDS_KAFKA_SASL_USERNAME !== undefined && c.IDS_KAFKA_SASL_PASSWORD !== undefined) {
      security.sasl = { mechanism: c.IDS_KAFKA_SASL_MECHANISM, username: c.IDS_KAFKA_SASL_USERNAME, password: c.IDS_KAFKA_SASL_PASSWORD };
    }
  } else {
    unused(SASL_VARIABLES, 'SASL_PLAINTEXT or SASL_SSL');
  }

  if (usesTls) {
    if (c.IDS_KAFKA_SSL_CERT_FILE !== undefined && c.IDS_KAFKA_SSL_KEY_FILE === undefined) required('IDS_KAFKA_SSL_KEY_FILE', 'IDS_KAFKA_SSL_CERT_FILE');
    if (c.IDS_KAFKA_SSL_KEY_FILE !== undefined && c.IDS_KAFKA_SSL_CERT_FILE === undefined) required('IDS_KAFKA_SSL_CERT_FILE', 'IDS_KAFKA_SSL_KEY_FILE');
    security.tls = {
      ca: pemFile('IDS_KAFKA_SSL_CA_FILE', c.IDS_KAFKA_SSL_CA_FILE, 'certificate', problems),
      cert: pemFile('IDS_KAFKA_SSL_CERT_FILE', c.IDS_KAFKA_SSL_CERT_FILE, 'certificate', problems),
      key: pemFile('IDS_KAFKA_SSL_KEY_FILE', c.IDS_KAFKA_SSL_KEY_FILE, 'key', problems),
    };
  } else {
    unused(TLS_VARIABLES, 'SSL or SASL_SSL');
  }
  return security;
}

/** The text of a PEM file, or undefined (and a problem) when it cannot be read or is not what it should be. */
function pemFile(variable: string, path: string | undefined, kind: 'certificate' | 'key', problems: ConfigProblem[]): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push({ variable, value: path, reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
  if (kind === 'certificate' && !CERTIFICATE.test(text)) {
    problems.push({ variable, value: path, reason: 'not a PEM certificate file (no "-----BEGIN CERTIFICATE-----")' });
    return undefined;
  }
  if (kind === 'key' && ENCRYPTED_KEY.test(text)) {
    problems.push({ variable, value: path, reason: 'an encrypted private key: give it unencrypted (keep the file readable by this user only)' });
    return undefined;
  }
  if (kind === 'key' && !PRIVATE_KEY.test(text)) {
    problems.push({ variable, value: path, reason: 'not a PEM private key file (no "-----BEGIN PRIVATE KEY-----")' });
    return undefined;
  }
  return text;
}
