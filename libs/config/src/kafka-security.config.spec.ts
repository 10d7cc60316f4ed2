import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalidError } from './config.error';
import { loadConfig } from './ids-config';

const dir = mkdtempSync(join(tmpdir(), 'ids-config-tls-'));
const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const CERT = file('client.pem', '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');
const KEY = file('client.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
const RSA_KEY = file('client-rsa.key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n');
const ENCRYPTED_KEY = file('encrypted.key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n');
const NOT_PEM = file('notes.txt', 'hello\n');
const MISSING = join(dir, 'missing.pem');
const SASL = { IDS_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', IDS_KAFKA_SASL_USERNAME: 'ids', IDS_KAFKA_SASL_PASSWORD: 's3cret!' };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected ConfigInvalidError');
}

describe('Kafka security settings', () => {
  it.each([
    ['PLAINTEXT by default', {}, { protocol: 'PLAINTEXT' }],
    ['SASL_PLAINTEXT with a mechanism, user and password', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...SASL },
      { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: 'ids', password: 's3cret!' } }],
    ['SSL trusting the public CAs', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL' }, { protocol: 'SSL', tls: {} }],
    ['SASL_SSL with a CA file', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', IDS_KAFKA_SSL_CA_FILE: CA, ...SASL, IDS_KAFKA_SASL_MECHANISM: 'PLAIN' },
      { protocol: 'SASL_SSL', sasl: { mechanism: 'PLAIN', username: 'ids', password: 's3cret!' }, tls: { ca: expect.stringContaining('MIIB') } }],
    ['SSL with a client certificate and key (mutual TLS)', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CA_FILE: CA, IDS_KAFKA_SSL_CERT_FILE: CERT, IDS_KAFKA_SSL_KEY_FILE: KEY },
      { protocol: 'SSL', tls: { ca: expect.stringContaining('MIIB'), cert: expect.stringContaining('MIIC'), key: expect.stringContaining('MIIE') } }],
    ['an RSA key file', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CERT_FILE: CERT, IDS_KAFKA_SSL_KEY_FILE: RSA_KEY },
      { protocol: 'SSL', tls: { cert: expect.stringContaining('MIIC'), key: expect.stringContaining('RSA PRIVATE KEY') } }],
  ])('reads %s', (_what, env, expected) => {
    const security = loadConfig(env).kafka.security;
    expect(security).toEqual(expected);
  });

  it.each([
    ['SASL_SSL without a password', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', ...SASL, IDS_KAFKA_SASL_PASSWORD: '' }, ['IDS_KAFKA_SASL_PASSWORD="": required with IDS_KAFKA_SECURITY_PROTOCOL=SASL_SSL']],
    ['SASL_PLAINTEXT with nothing else', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' }, ['IDS_KAFKA_SASL_MECHANISM="": required', 'IDS_KAFKA_SASL_USERNAME="": required', 'IDS_KAFKA_SASL_PASSWORD="": required']],
    ['a password with PLAINTEXT (never printed)', { IDS_KAFKA_SASL_PASSWORD: 's3cret!' }, ['IDS_KAFKA_SASL_PASSWORD="***": only used with SASL_PLAINTEXT or SASL_SSL (IDS_KAFKA_SECURITY_PROTOCOL=PLAINTEXT)']],
    ['a CA file with SASL_PLAINTEXT', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...SASL, IDS_KAFKA_SSL_CA_FILE: CA }, [`IDS_KAFKA_SSL_CA_FILE=${JSON.stringify(CA)}: only used with SSL or SASL_SSL`]],
    ['an unknown mechanism', { IDS_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', ...SASL, IDS_KAFKA_SASL_MECHANISM: 'GSSAPI' }, ['IDS_KAFKA_SASL_MECHANISM="GSSAPI"']],
    ['an unknown protocol', { IDS_KAFKA_SECURITY_PROTOCOL: 'TLS' }, ['IDS_KAFKA_SECURITY_PROTOCOL="TLS"']],
    ['a CA file that does not exist', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CA_FILE: MISSING }, [`IDS_KAFKA_SSL_CA_FILE=${JSON.stringify(MISSING)}: cannot read it (ENOENT)`]],
    ['a CA file that is not PEM', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CA_FILE: NOT_PEM }, ['not a PEM certificate file']],
    ['a key given as the certificate', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CERT_FILE: KEY, IDS_KAFKA_SSL_KEY_FILE: KEY }, [`IDS_KAFKA_SSL_CERT_FILE=${JSON.stringify(KEY)}: not a PEM certificate file`]],
    ['a certificate without its key', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CERT_FILE: CERT }, ['IDS_KAFKA_SSL_KEY_FILE="": required with IDS_KAFKA_SSL_CERT_FILE']],
    ['a key without its certificate', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_KEY_FILE: KEY }, ['IDS_KAFKA_SSL_CERT_FILE="": required with IDS_KAFKA_SSL_KEY_FILE']],
    ['an encrypted key', { IDS_KAFKA_SECURITY_PROTOCOL: 'SSL', IDS_KAFKA_SSL_CERT_FILE: CERT, IDS_KAFKA_SSL_KEY_FILE: ENCRYPTED_KEY }, ['an encrypted private key']],
  ])('rejects %s, naming the variable', (_what, env, expected) => {
    const message = problemsOf(env);
    for (const part of expected) expect(message).toContain(part);
    expect(message).not.toContain('s3cret!');
  });
});
