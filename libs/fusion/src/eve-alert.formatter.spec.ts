import type { FlowRecord } from '@ids/contracts';
import { decide } from './fusion.decision';
import { signatureAlert } from './alert.builder';
import { toEveJson } from './eve-alert.formatter';
import { hitRecord, S, scoreRecord } from './fusion-test.fixtures';

describe('toEveJson', () => {
  it('writes the alert contract in EVE key order with the detection block, on one line', () => {
    const line = toEveJson(signatureAlert(hitRecord({ ts_us: 1_705_314_030_123_456 })));
    expect(line).not.toContain('\n');
    const event = JSON.parse(line);
    expect(Object.keys(event)).toEqual(['timestamp', 'flow_id', 'event_type', 'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'alert', 'detection']);
    expect(event).toMatchObject({
      timestamp: '2024-01-15T10:20:30.123456+0000', flow_id: 42, event_type: 'alert', proto: 'TCP',
      alert: { action: 'allowed', gid: 1, signature_id: 1000001, rev: 2, signature: 'ET SCAN SYN flood', category: 'attempted-dos', severity: 2 },
      detection: { method: 'signature', confidence: 1, family: 'dos', label: 'syn-flood' },
    });
  });

  it('writes no gid for an ML alert, whose sid is not a rule', () => {
    const event = JSON.parse(toEveJson(decide({ timeUs: 1_700_000_000 * S, scores: [scoreRecord()], hits: [] })!));
    expect(Object.keys(event.alert)).toEqual(['action', 'signature_id', 'rev', 'signature', 'category', 'severity']);
  });

  it('adds app_proto and the flow block when given the flow', () => {
    const flow = { ts_us: 1_705_314_000_000_000, orig_pkts: 3, resp_pkts: 2, orig_wire_bytes: 300, resp_wire_bytes: 200, service: 'http' } as FlowRecord;
    const event = JSON.parse(toEveJson(signatureAlert(hitRecord()), flow));
    expect([event.app_proto, event.flow]).toEqual(['http', { pkts_toserver: 3, pkts_toclient: 2, bytes_toserver: 300, bytes_toclient: 200, start: '2024-01-15T10:20:00.000000+0000' }]);
  });
});
