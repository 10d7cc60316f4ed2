import { alertId } from './alert-id';
import { signatureAlert } from './alert.builder';
import { hitRecord } from './fusion-test.fixtures';

describe('signatureAlert', () => {
  it('reports the hit in packet direction with the rule priority as severity and full confidence', () => {
    const hit = hitRecord({ ts_us: 1_705_314_030_123_456, src_ip: '10.0.0.2', src_port: 80, dest_ip: '10.0.0.1', dest_port: 40000 });
    expect(signatureAlert(hit)).toEqual({
      alert_id: alertId(42, 'signature', '1:1000001'),
      timestamp: '2024-01-15T10:20:30.123456+0000',
      flow_id: 42, src_ip: '10.0.0.2', src_port: 80, dest_ip: '10.0.0.1', dest_port: 40000, proto: 'TCP',
      alert: { signature_id: 1000001, rev: 2, signature: 'ET SCAN SYN flood', category: 'attempted-dos', severity: 2 },
      detection: { method: 'signature', confidence: 1, family: 'dos', label: 'syn-flood' },
    });
  });

  it.each([
    // family, classtype, label → family, category, label
    [null, 'attempted-recon', null, 'scan', 'attempted-recon', 'ET SCAN SYN flood'],
    [null, null, null, 'anomaly', 'anomaly', 'ET SCAN SYN flood'],
    ['bruteforce', null, 'ssh-brute', 'bruteforce', 'bruteforce', 'ssh-brute'],
    ['nonsense', 'misc-activity', null, 'anomaly', 'misc-activity', 'ET SCAN SYN flood'],
  ] as const)('maps family %s / classtype %s', (family, classtype, label, expFamily, expCategory, expLabel) => {
    const alert = signatureAlert(hitRecord({ family, classtype, label }));
    expect([alert.detection.family, alert.alert.category, alert.detection.label]).toEqual([expFamily, expCategory, expLabel]);
  });
});
