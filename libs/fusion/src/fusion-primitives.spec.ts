import { alertId } from './alert-id';
import { eveProto } from './eve-proto';
import { formatEveTimestamp } from './eve-timestamp';
import { ML_SID_BASE, ML_SID_SPAN, mlSignatureId, modelRev } from './ml-signature-id';
import { hybridConfidence, mlSeverity, signatureSeverity } from './severity';

describe('fusion primitives', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000000+0000'],
    [1_705_314_030_123_456, '2024-01-15T10:20:30.123456+0000'],
    [1_705_314_030_000_001, '2024-01-15T10:20:30.000001+0000'],
    [1_705_314_030_999_999.7, '2024-01-15T10:20:30.999999+0000'],
  ])('formats %p µs as %s', (us, text) => {
    expect(formatEveTimestamp(us)).toBe(text);
  });

  it.each([['tcp', 'TCP'], ['udp', 'UDP'], ['icmp', 'ICMP'], ['icmp6', 'IPv6-ICMP'], ['ip', 'IP'], ['TCP', 'TCP']])('writes proto %s as %s', (proto, eve) => {
    expect(eveProto(proto)).toBe(eve);
  });

  it.each([[0.95, 2], [0.9, 3], [0.71, 3], [0.7, 4], [0.5, 4]])('ML probability %p → severity %p', (p, severity) => {
    expect(mlSeverity(p)).toBe(severity);
  });

  it.each([[1, 1], [3, 3], [4, 4], [7, 4], [0, 1], [Number.NaN, 3]])('rule priority %p → severity %p', (priority, severity) => {
    expect(signatureSeverity(priority)).toBe(severity);
  });

  it('raises the hybrid confidence halfway toward certainty', () => {
    expect([hybridConfidence(0.6), hybridConfidence(1), hybridConfidence(2)]).toEqual([0.8, 1, 1]);
  });

  it('keeps ML sids stable and inside the reserved range', () => {
    const ids = ['syn-flood', 'portscan', 'anomaly', 'sqli', ''].map(mlSignatureId);
    for (const id of ids) expect(id >= ML_SID_BASE && id < ML_SID_BASE + ML_SID_SPAN).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(mlSignatureId('syn-flood')).toBe(ids[0]);
  });

  it.each([['1.0.0', 1], ['v2.3', 2], ['12', 12], ['dev', 1]])('model version %s → rev %p', (v, rev) => {
    expect(modelRev(v)).toBe(rev);
  });

  it('derives alert ids from flow, method and what was detected only', () => {
    const id = alertId(42, 'signature', '1:1000001');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(alertId(42, 'signature', '1:1000001')).toBe(id);
    expect(new Set([id, alertId(43, 'signature', '1:1000001'), alertId(42, 'hybrid', '1:1000001'), alertId(42, 'signature', '1:1000002')]).size).toBe(4);
  });
});
