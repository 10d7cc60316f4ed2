import type { MlScoreRecord, SignatureHitRecord } from '@ids/contracts';
import { decide } from './fusion.decision';
import { mlSignatureId } from './ml-signature-id';
import { anomalyRecord, hitRecord, S, scoreRecord } from './fusion-test.fixtures';

const T = 1_700_000_010 * S;
const benign = scoreRecord({ label: 'benign', family: 'benign', confidence: 0.99 });
const hit = hitRecord();
const webHit = hitRecord({ sid: 2000001, msg: 'ET WEB sqli', classtype: 'web-application-attack', family: 'web', label: 'sqli', priority: 1 });

describe('decide', () => {
  const cases: [string, MlScoreRecord[], SignatureHitRecord[], [string, number, string, string, number] | null][] = [
    // name, scores, hits, [method, severity, family, label, confidence] or null
    ['benign classifier, no hits', [benign], [], null],
    ['benign classifier with hits: signature alerts were raised already', [benign], [hit], null],
    ['classifier attack p=0.95 alone', [scoreRecord()], [], ['ml', 2, 'dos', 'syn-flood', 0.95]],
    ['classifier attack p=0.8 alone', [scoreRecord({ confidence: 0.8 })], [], ['ml', 3, 'dos', 'syn-flood', 0.8]],
    ['classifier attack p=0.6 alone', [scoreRecord({ confidence: 0.6 })], [], ['ml', 4, 'dos', 'syn-flood', 0.6]],
    ['classifier attack + agreeing hit', [scoreRecord({ label: 'dos-generic', confidence: 0.8 })], [hit], ['hybrid', 1, 'dos', 'syn-flood', 0.9]],
    ['classifier attack + disagreeing hit is named by the rule', [scoreRecord({ confidence: 0.6 })], [webHit], ['hybrid', 1, 'web', 'sqli', 0.8]],
    ['shadow attack is ignored', [benign, scoreRecord({ shadow: true, model: 'next' })], [], null],
    ['shadow only', [scoreRecord({ shadow: true })], [hit], null],
    ['anomaly alone while the classifier says benign', [benign, anomalyRecord(0.75, 0.25)], [], ['ml', 3, 'anomaly', 'anomaly', 0.75]],
    ['anomaly under its threshold', [benign, anomalyRecord(0.05, 0.1)], [], null],
    ['anomaly with a hit is named by the rule', [benign, anomalyRecord(0.75, 0.25)], [webHit], ['hybrid', 1, 'web', 'sqli', 0.875]],
    ['classifier attack wins over the anomaly', [scoreRecord({ confidence: 0.75 }), anomalyRecord(0.9, 0.1)], [], ['ml', 3, 'dos', 'syn-flood', 0.75]],
    ['most confident classifier speaks', [scoreRecord({ model: 'a', label: 'portscan', family: 'scan', confidence: 0.7 }), scoreRecord({ model: 'b', confidence: 0.91 })], [], ['ml', 2, 'dos', 'syn-flood', 0.91]],
    ['unknown family maps to anomaly', [scoreRecord({ label: 'weird', family: 'unknown' })], [], ['ml', 2, 'anomaly', 'weird', 0.95]],
  ];
  it.each(cases)('%s', (_name, scores, hits, expected) => {
    const alert = decide({ timeUs: T, scores, hits });
    if (expected === null) {
      expect(alert).toBeNull();
      return;
    }
    expect(alert && [alert.detection.method, alert.alert.severity, alert.detection.family, alert.detection.label, alert.detection.confidence]).toEqual(expected);
  });

  it('gives an ML alert the reserved sid, the major version as rev, and the flow endpoints initiator first', () => {
    const alert = decide({ timeUs: T, scores: [scoreRecord({ model_version: '3.2.1', proto: 'icmp6', src_port: 8, dest_port: 0 })], hits: [] })!;
    expect(alert.alert).toEqual({ signature_id: mlSignatureId('syn-flood'), rev: 3, signature: 'ML: syn-flood (flow-gbdt 3.2.1)', category: 'dos', severity: 2 });
    expect([alert.src_ip, alert.src_port, alert.dest_ip, alert.dest_port, alert.proto, alert.timestamp]).toEqual(['10.0.0.1', 8, '10.0.0.2', 0, 'IPv6-ICMP', '2023-11-14T22:13:30.000000+0000']);
  });

  it('gives a hybrid alert the sid of the most severe agreeing rule whatever the hit order', () => {
    const scan = hitRecord({ sid: 3000001, family: 'scan', classtype: 'attempted-recon', priority: 1, msg: 'scan' });
    const dos2 = hitRecord({ sid: 1000002, priority: 1, msg: 'dos 2', ts_us: T - 5 });
    const forward = decide({ timeUs: T, scores: [scoreRecord()], hits: [scan, hit, dos2] })!;
    const backward = decide({ timeUs: T, scores: [scoreRecord()], hits: [dos2, hit, scan] })!;
    expect(forward).toEqual(backward);
    expect([forward.alert.signature_id, forward.alert.signature, forward.alert.category]).toEqual([1000002, 'dos 2 + ML: syn-flood (flow-gbdt 1.0.0)', 'attempted-dos']);
  });
});
