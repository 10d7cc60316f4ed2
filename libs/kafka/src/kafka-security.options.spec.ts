import type { KafkaSecurity } from '@ids/config';
import { kafkaSecurityOptions } from './kafka-security.options';

const sasl = { mechanism: 'SCRAM-SHA-512', username: 'ids', password: 'pw' } as const;

describe('kafkaSecurityOptions', () => {
  it.each<[string, KafkaSecurity, object]>([
    ['PLAINTEXT: neither', { protocol: 'PLAINTEXT' }, {}],
    ['SSL with the public CAs', { protocol: 'SSL', tls: {} }, { ssl: true }],
    ['SSL with a CA', { protocol: 'SSL', tls: { ca: 'CA' } }, { ssl: { ca: ['CA'] } }],
    ['SSL with a client certificate', { protocol: 'SSL', tls: { ca: 'CA', cert: 'CERT', key: 'KEY' } }, { ssl: { ca: ['CA'], cert: 'CERT', key: 'KEY' } }],
    ['SASL_PLAINTEXT', { protocol: 'SASL_PLAINTEXT', sasl }, { sasl: { mechanism: 'scram-sha-512', username: 'ids', password: 'pw' } }],
    ['SASL_SSL with PLAIN', { protocol: 'SASL_SSL', sasl: { ...sasl, mechanism: 'PLAIN' }, tls: { ca: 'CA' } }, { ssl: { ca: ['CA'] }, sasl: { mechanism: 'plain', username: 'ids', password: 'pw' } }],
    ['SASL_SSL with SCRAM-SHA-256', { protocol: 'SASL_SSL', sasl: { ...sasl, mechanism: 'SCRAM-SHA-256' } }, { ssl: true, sasl: { mechanism: 'scram-sha-256', username: 'ids', password: 'pw' } }],
  ])('%s', (_what, security, expected) => {
    expect(kafkaSecurityOptions(security)).toEqual(expected);
  });

  it('refuses a SASL protocol without its settings', () => {
    expect(() => kafkaSecurityOptions({ protocol: 'SASL_SSL' })).toThrow('SASL_SSL without SASL settings');
  });
});
