import type { AlertRecord, FlowRecord, MlScoreRecord } from '@ids/contracts';
import { AnalysisTally } from './analysis.tally';

/** The fields the tally reads; the rest of a FlowRecord plays no part. */
function flow(uid: string, proto: string, connState: string, origBytes: number, respBytes: number): FlowRecord {
  return {
    uid, proto, conn_state: connState, orig_h: `orig-${uid}`, orig_p: 40000, resp_h: '192.0.2.1', resp_p: 80,
    orig_pkts: 2, resp_pkts: 3, orig_wire_bytes: origBytes, resp_wire_bytes: respBytes,
  } as FlowRecord;
}
const score = (model: string, label: string, shadow = false) => ({ model, label, shadow }) as MlScoreRecord;
const alert = (method: string) => ({ detection: { method } }) as AlertRecord;

describe('AnalysisTally', () => {
  it.each([
    ['counts by protocol and state, most frequent first, ties by name',
      [[flow('Ca', 'tcp', 'SF', 10, 0), flow('Cb', 'udp', 'S0', 5, 0)], [flow('Cc', 'tcp', 'S0', 1, 1)]],
      { flows: 3, byProto: { tcp: 2, udp: 1 }, byState: { S0: 2, SF: 1 }, top: ['Ca', 'Cb', 'Cc'] }],
    ['the top conversations are the five largest by wire bytes, across batches',
      [[1, 7, 3].map((b, i) => flow(`C${i}`, 'tcp', 'SF', b, 0)), [9, 2, 8, 5].map((b, i) => flow(`D${i}`, 'tcp', 'SF', 0, b))],
      { flows: 7, byProto: { tcp: 7 }, byState: { SF: 7 }, top: ['D0', 'D2', 'C1', 'D3', 'C2'] }],
    ['equal bytes are ordered by uid',
      [[flow('Cz', 'icmp', 'OTH', 4, 0), flow('Cm', 'icmp', 'OTH', 2, 2), flow('Ca', 'icmp', 'OTH', 3, 1)]],
      { flows: 3, byProto: { icmp: 3 }, byState: { OTH: 3 }, top: ['Ca', 'Cm', 'Cz'] }],
    ['no flows', [], { flows: 0, byProto: {}, byState: {}, top: [] }],
  ])('%s', (_what, batches, expected) => {
    const tally = new AnalysisTally();
    for (const b of batches) tally.addFlows(b);
    expect(tally.flows).toBe(expected.flows);
    expect(tally.flowsByProto).toEqual(expected.byProto);
    expect(Object.keys(tally.flowsByProto)).toEqual(Object.keys(expected.byProto));
    expect(tally.flowsByConnState).toEqual(expected.byState);
    expect(Object.keys(tally.flowsByConnState)).toEqual(Object.keys(expected.byState));
    expect(tally.topConversations.map((c) => c.orig)).toEqual(expected.top.map((uid) => `orig-${uid}:40000`));
  });

  it('describes a conversation by its endpoints, packets and wire bytes', () => {
    const tally = new AnalysisTally();
    tally.addFlows([flow('Cq', 'tcp', 'SF', 100, 23)]);
    expect(tally.topConversations).toEqual([{ orig: 'orig-Cq:40000', resp: '192.0.2.1:80', proto: 'tcp', packets: 5, bytes: 123 }]);
  });

  it('keeps the same top five as sorting every flow (random flows in random batches)', () => {
    let seed = 7;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let round = 0; round < 50; round++) {
      const flows = Array.from({ length: 1 + random(60) }, (_, i) => flow(`C${random(1000)}-${i}`, 'tcp', 'SF', random(20), random(20)));
      const tally = new AnalysisTally();
      for (let i = 0; i < flows.length;) {
        const n = 1 + random(10);
        tally.addFlows(flows.slice(i, i + n));
        i += n;
      }
      const bytes = (f: FlowRecord) => f.orig_wire_bytes + f.resp_wire_bytes;
      const sorted = [...flows].sort((a, b) => bytes(b) - bytes(a) || a.uid.localeCompare(b.uid)).slice(0, 5);
      expect(tally.topConversations.map((c) => c.bytes)).toEqual(sorted.map(bytes));
      expect(tally.topConversations.map((c) => c.orig)).toEqual(sorted.map((f) => `${f.orig_h}:${f.orig_p}`));
    }
  });

  it('counts alerts by method and the scores of deciding models by label', () => {
    const tally = new AnalysisTally();
    tally.addScores([score('flow-gbdt', 'attack'), score('flow-gbdt', 'benign'), score('flow-gbdt', 'attack'), score('flow-ae', 'attack', true)]);
    tally.addAlerts([alert('ml'), alert('hybrid')]);
    tally.addAlerts([alert('ml')]);
    expect(tally.mlLabels).toEqual({ 'flow-gbdt:attack': 2, 'flow-gbdt:benign': 1 });
    expect(tally.alerts).toBe(3);
    expect(tally.alertsByMethod).toEqual({ ml: 2, hybrid: 1 });
    expect(Object.keys(tally.alertsByMethod)).toEqual(['ml', 'hybrid']);
  });
});
