import type { AlertRecord, FlowRecord } from '@ids/contracts';

// Records for the integration tests; 2023-11-14T22:13:20Z is 1 700 000 000 s.

export function sampleFlow(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    uid: 'CwT1f9Xy3tAPGf0a',
    flow_id: 1234567890123,
    flow_key: 'tcp/0/10.0.0.1/51234/10.0.0.2/80',
    ts_us: 1_700_000_000_123_456,
    last_ts_us: 1_700_000_002_654_321,
    duration_us: 2_530_865,
    proto: 'tcp',
    ip_proto: 6,
    vlan: null,
    orig_h: '10.0.0.1',
    orig_p: 51234,
    resp_h: '10.0.0.2',
    resp_p: 80,
    service: 'http',
    orig_pkts: 6,
    resp_pkts: 4,
    orig_bytes: 420,
    resp_bytes: 1380,
    orig_ip_bytes: 740,
    resp_ip_bytes: 1588,
    orig_wire_bytes: 824,
    resp_wire_bytes: 1644,
    conn_state: 'SF',
    history: 'ShADadFf',
    close_reason: 'FIN',
    stats: null,
    ...overrides,
  };
}

export function sampleAlert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    alert_id: 'a-7f3e',
    timestamp: '2023-11-14T22:13:20.123456+0000',
    flow_id: 1234567890123,
    src_ip: '10.0.0.1',
    src_port: 51234,
    dest_ip: '10.0.0.2',
    dest_port: 80,
    proto: 'TCP',
    alert: { signature_id: 2_100_498, rev: 7, signature: 'ET WEB_SERVER SQL injection attempt', category: 'Web Application Attack', severity: 1 },
    detection: { method: 'hybrid', confidence: 0.93, family: 'web', label: 'sqli' },
    ...overrides,
  };
}
