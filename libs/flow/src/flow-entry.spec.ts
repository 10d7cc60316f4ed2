import { FlowEntry } from './flow-entry';
import { flowNumericId, flowUid } from './flow-id';
import { flowKey } from './flow-key';
import { resolveFlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import * as L from './flow-entry.layout';
import { isFromInitiator, openEntry, openFlow, updateEntry, updateFlow, writeOpenedNumbers, type FlowState } from './flow-state';
import { F, T0, TcpScript, packet } from './flow-test.packets';
import { FlowTable, type FlowStateStore } from './flow.table';
import recorded from './flow-state.v2-recorded.json';

const options = resolveFlowOptions();

// Handshake, data both ways, a zero window, a retransmission, the client's FIN (the flow stays
// open), on VLAN 7: the FlowState JSON of these packets as the code before FlowEntry wrote it
// (flow-state.v2-recorded.json, from /work/main at ffeace6). The changelog must keep these bytes.
const script = new TcpScript({ vlan: 7 }).handshake().send('c', F.PSH | F.ACK, 100).send('s', F.PSH | F.ACK, 300, { win: 0 }).resend('c', F.PSH | F.ACK, 100).send('c', F.FIN | F.ACK);
const RECORDED = JSON.stringify(recorded);

function mapStore(): FlowStateStore & { map: Map<string, FlowState> } {
  const map = new Map<string, FlowState>();
  return { map, get: (k) => map.get(k), put: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k), entries: () => map.entries(), get size() { return map.size; } };
}

describe('FlowEntry', () => {
  it('writes the FlowState v2 JSON byte for byte as before (openFlow / updateFlow on a plain state)', () => {
    const state = openFlow(script.packets[0], flowKey(script.packets[0]));
    for (const p of script.packets) updateFlow(state, p, options);
    expect(JSON.stringify(state)).toBe(RECORDED);
  });

  it('writes the same JSON from an entry (what FlowTable puts in its store)', () => {
    const entry = new FlowEntry();
    openEntry(entry, script.packets[0], flowKey(script.packets[0]));
    for (const p of script.packets) updateEntry(entry, p, options, isFromInitiator(entry, p));
    expect(JSON.stringify(entry)).toBe(RECORDED);
  });

  it('puts the same JSON in a FlowTable store, its key and addresses made from the tuple', () => {
    const store = mapStore();
    const table = new FlowTable({}, store);
    for (const p of script.packets) expect(table.add(p)).toEqual([]);
    const [[key, stored]] = [...store.map];
    expect(stored).toBeInstanceOf(FlowEntry);
    expect([key, JSON.stringify(stored)]).toEqual([recorded.key, RECORDED]);
  });

  it('loads a state and gives back the same JSON, and the same record', () => {
    const entry = new FlowEntry().load(JSON.parse(RECORDED) as FlowState);
    expect(JSON.stringify(entry)).toBe(RECORDED);
    expect(toFlowRecord(entry, 'END')).toEqual(toFlowRecord(JSON.parse(RECORDED) as FlowState, 'END'));
  });

  it('reads as the FlowState it writes (getters), null as null', () => {
    const entry = new FlowEntry().load(JSON.parse(RECORDED) as FlowState);
    const read = Object.fromEntries(Object.keys(recorded).map((k) => [k, entry[k as keyof FlowState]]));
    expect(read).toEqual(recorded);
    expect([entry.respFinSeq, entry.respHistory.lastFin]).toEqual([null, null]);
  });

  it('keeps a state without statistics (restored from v1) without them', () => {
    const state = openFlow(packet({ from: 'c', proto: 17, len: 5 }), flowKey(packet({ from: 'c', proto: 17 })));
    const entry = new FlowEntry().load({ ...state, stats: null });
    updateEntry(entry, packet({ from: 'c', proto: 17, len: 5, at: 10 }), options, true);
    expect([entry.stats, entry.toJSON().stats, toFlowRecord(entry, 'END').stats, entry.origPkts, entry.history]).toEqual([null, null, null, 1, 'D']);
  });

  it.each<[string, string, number, number, number | null]>([
    ['0.0.0.0', '255.255.255.255', 0, 65535, null],
    ['1.2.3.4', '1.2.3.40', 65535, 1, 4094],
    ['192.168.100.9', '10.20.30.40', 80, 80, 0],
    ['127.0.0.1', '127.0.0.1', 5353, 53, 1],
  ])('makes the key, addresses and ids of %s -> %s from its numbers as from the text', (src, dst, srcPort, dstPort, vlan) => {
    const bytes = (a: string) => a.split('.').map(Number);
    const cmp = bytes(src).map((b, i) => b - bytes(dst)[i]).find((x) => x !== 0) ?? 0;
    const base = { ...packet({ from: 'c', proto: 17, len: 1 }), src, dst, srcPort, dstPort, vlan, addressOrder: Math.sign(cmp) as -1 | 0 | 1 };
    const frame = Buffer.from([0, 0, 0, 0, ...new Array<number>(12).fill(0), ...bytes(src), ...bytes(dst)]);
    const byText = new FlowTable();
    const byBytes = new FlowTable();
    byText.add(base);
    byBytes.add({ ...base, frame, ipVersion: 4, ipOffset: 4 });
    const [want] = byText.flush();
    const [got] = byBytes.flush();
    expect([want.flow_key, want.orig_h, want.uid, want.flow_id]).toEqual([flowKey(base), src, flowUid(flowKey(base), base.tsUs), flowNumericId(flowKey(base), base.tsUs)]);
    expect([got.flow_key, got.orig_h, got.resp_h, got.uid, got.flow_id]).toEqual([want.flow_key, want.orig_h, want.resp_h, want.uid, want.flow_id]);
  });

  it.each<[string, number, number]>([
    ['a fresh entry', 0, T0],
    ['a reused entry (every number 7)', 7, T0 + 1],
    ['a reused entry (every number NaN)', NaN, 1],
  ])('opens %s with the numbers of a flow just opened, the expiry queue\'s times left alone', (_, fill, ts) => {
    const entry = new FlowEntry(new Float64Array(2 * L.FLOW_ENTRY_NUMBERS).fill(fill), L.FLOW_ENTRY_NUMBERS);
    openEntry(entry, { ...packet({ from: 'c', proto: 17, len: 1 }), tsUs: ts }, null);
    const want = new Float64Array(L.FLOW_ENTRY_NUMBERS);
    writeOpenedNumbers(want, 0, ts);
    want[L.TOUCHED_US] = fill;
    want[L.OPENED_US] = fill;
    expect([...entry.d.subarray(L.FLOW_ENTRY_NUMBERS)]).toEqual([...want]);
    // The slot before is not written.
    expect(entry.d.subarray(0, L.FLOW_ENTRY_NUMBERS).every((x) => Object.is(x, fill))).toBe(true);
  });
});

