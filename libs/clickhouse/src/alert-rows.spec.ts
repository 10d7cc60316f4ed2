import type { AlertRecord } from '@ids/contracts';
import { eveTimestampToMicros, toAlertRow, type AlertRow } from './alert-rows';
import { AlertTimestampInvalidError } from './alert-timestamp-invalid.error';

const alert: AlertRecord = {
  alert_id: 'a-7f3e',
  timestamp: '2023-11-14T22:13:20.123456+0000',
  flow_id: 987654321,
  src_ip: '192.0.2.10',
  src_port: 40000,
  dest_ip: '198.51.100.5',
  dest_port: 443,
  proto: 'TCP',
  alert: { signature_id: 2_100_498, rev: 7, signature: 'GPL ATTACK_RESPONSE id check returned root', category: 'Potentially Bad Traffic', severity: 2 },
  detection: { method: 'hybrid', confidence: 0.93, family: 'web', label: 'sqli' },
};

describe('toAlertRow', () => {
  it('flattens the alert and detection blocks into alert_* and detection_* columns', () => {
    const expected: AlertRow = {
      alert_id: 'a-7f3e',
      timestamp: '2023-11-14T22:13:20.123456+0000',
      ts_us: 1_700_000_000_123_456,
      ts: 1_700_000_000,
      flow_id: 987654321,
      src_ip: '192.0.2.10',
      src_port: 40000,
      dest_ip: '198.51.100.5',
      dest_port: 443,
      proto: 'TCP',
      alert_signature_id: 2_100_498,
      alert_rev: 7,
      alert_signature: 'GPL ATTACK_RESPONSE id check returned root',
      alert_category: 'Potentially Bad Traffic',
      alert_severity: 2,
      detection_method: 'hybrid',
      detection_confidence: 0.93,
      detection_family: 'web',
      detection_label: 'sqli',
    };
    expect(toAlertRow(alert)).toEqual(expected);
  });

  it.each([
    { method: 'signature', family: 'scan' },
    { method: 'ml', family: 'anomaly' },
  ] as const)('keeps detection method $method and family $family', ({ method, family }) => {
    const row = toAlertRow({ ...alert, detection: { ...alert.detection, method, family } });
    expect(row).toMatchObject({ detection_method: method, detection_family: family });
  });

  it('names the alert when its timestamp is unreadable', () => {
    expect(() => toAlertRow({ ...alert, timestamp: 'yesterday' })).toThrow(AlertTimestampInvalidError);
    expect(() => toAlertRow({ ...alert, timestamp: 'yesterday' })).toThrow(/a-7f3e/);
  });
});

describe('eveTimestampToMicros', () => {
  it.each([
    { timestamp: '2023-11-14T22:13:20.123456+0000', micros: 1_700_000_000_123_456 },
    { timestamp: '2023-11-14T22:13:20.123456+00:00', micros: 1_700_000_000_123_456 },
    { timestamp: '2023-11-14T22:13:20.123456Z', micros: 1_700_000_000_123_456 },
    { timestamp: '2023-11-14T23:13:20.123456+0100', micros: 1_700_000_000_123_456 },
    { timestamp: '2023-11-14T17:43:20.000001-0430', micros: 1_700_000_000_000_001 },
    { timestamp: '2023-11-14T22:13:20Z', micros: 1_700_000_000_000_000 },
    { timestamp: '2023-11-14T22:13:20.5Z', micros: 1_700_000_000_500_000 },
    { timestamp: '2023-11-14T22:13:20.123456789Z', micros: 1_700_000_000_123_456 },
    { timestamp: '1970-01-01T00:00:00.000000+0000', micros: 0 },
    { timestamp: '2024-02-29T00:00:00.000000+0000', micros: 1_709_164_800_000_000 },
  ])('$timestamp is $micros us', ({ timestamp, micros }) => {
    expect(eveTimestampToMicros(timestamp)).toBe(micros);
  });

  it.each([
    { timestamp: '', reason: /not ISO 8601/ },
    { timestamp: '2023-11-14 22:13:20', reason: /not ISO 8601/ },
    { timestamp: '2023-11-14T22:13:20.123456', reason: /not ISO 8601/ },
    { timestamp: '2023-02-30T00:00:00Z', reason: /no such date/ },
    { timestamp: '2023-11-14T24:00:00Z', reason: /no such date/ },
    { timestamp: '2023-11-14T22:13:20+2500', reason: /offset/ },
    { timestamp: '1969-12-31T23:59:59Z', reason: /before 1970/ },
  ])('refuses $timestamp', ({ timestamp, reason }) => {
    expect(() => eveTimestampToMicros(timestamp)).toThrow(reason);
  });
});
