import type { FlowRecord } from '@ids/contracts';
import { toFlowRow, type FlowRow } from './flow-rows';

const tcpFlow: FlowRecord = {
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
};

describe('toFlowRow', () => {
  const cases: { name: string; flow: FlowRecord; expected: Partial<FlowRow> }[] = [
    { name: 'keeps every field of a TCP flow and derives ts in whole seconds', flow: tcpFlow, expected: { ...tcpFlow, ts: 1_700_000_000 } },
    {
      name: 'keeps a VLAN id and a null service',
      flow: { ...tcpFlow, vlan: 42, service: null, proto: 'udp', ip_proto: 17, conn_state: 'OTH', history: '', close_reason: 'IDLE' },
      expected: { vlan: 42, service: null, proto: 'udp', ip_proto: 17, conn_state: 'OTH', history: '', close_reason: 'IDLE' },
    },
    { name: 'rounds ts down at a second boundary', flow: { ...tcpFlow, ts_us: 1_699_999_999_999_999 }, expected: { ts: 1_699_999_999, ts_us: 1_699_999_999_999_999 } },
    { name: 'maps the epoch', flow: { ...tcpFlow, ts_us: 0, last_ts_us: 0, duration_us: 0 }, expected: { ts: 0, ts_us: 0, duration_us: 0 } },
    { name: 'keeps ICMP type and code in the port fields', flow: { ...tcpFlow, proto: 'icmp', ip_proto: 1, orig_p: 8, resp_p: 0 }, expected: { proto: 'icmp', orig_p: 8, resp_p: 0 } },
  ];

  it.each(cases)('$name', ({ flow, expected }) => {
    expect(toFlowRow(flow)).toMatchObject(expected);
  });

  it('has exactly the record fields plus ts, so every column of flows is filled', () => {
    expect(Object.keys(toFlowRow(tcpFlow)).sort()).toEqual([...Object.keys(tcpFlow), 'ts'].sort());
  });
});
