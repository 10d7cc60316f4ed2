import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions, type FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { expiry, type FlowPacket, type FlowState } from './flow-state';
import { applyPacket } from './flow-step';
import { F, packet } from './flow-test.packets';
import { FlowTable, type FlowStateStore, type FlowTableOptions } from './flow.table';

const s = 1_000_000;

/** The table as it was before the expiry lists: a Map in insertion order, scanned whole on every check. */
class ScanningFlowTable {
  readonly flows = new Map<string, FlowState>();
  private readonly options: FlowOptions;
  private watermarkUs = -Infinity;
  private nextCheckUs = -Infinity;

  constructor(private readonly o: FlowTableOptions) {
    this.options = resolveFlowOptions(o);
  }

  add(pkt: FlowPacket): FlowRecord[] {
    let out: FlowRecord[] = [];
    if (pkt.tsUs > this.watermarkUs) {
      this.watermarkUs = pkt.tsUs;
      if (pkt.tsUs >= this.nextCheckUs) out = this.expire(pkt.tsUs);
    }
    const key = flowKey(pkt);
    const stored = this.flows.get(key);
    const step = applyPacket(stored, pkt, key, this.options);
    if (stored !== undefined && step.state !== stored) this.flows.delete(key);
    if (step.state !== null) this.flows.set(key, step.state);
    return [...out, ...step.emitted];
  }

  advanceTo(tsUs: number): FlowRecord[] {
    if (tsUs > this.watermarkUs) this.watermarkUs = tsUs;
    return this.expire(this.watermarkUs);
  }

  flush(): FlowRecord[] {
    const out = [...this.flows.values()].map((state) => toFlowRecord(state, 'END'));
    this.flows.clear();
    return out;
  }

  private expire(nowUs: number): FlowRecord[] {
    this.nextCheckUs = nowUs + (this.o.expiryCheckIntervalUs ?? s);
    const out: FlowRecord[] = [];
    for (const [key, state] of [...this.flows.entries()]) {
      const reason = expiry(state, nowUs, this.options);
      if (reason !== null) {
        out.push(toFlowRecord(state, reason));
        this.flows.delete(key);
      }
    }
    return out;
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = { kind: 'packet'; pkt: FlowPacket } | { kind: 'watermark'; tsUs: number };

/**
 * A mix of TCP (handshakes, data, FIN, RST, port reuse), UDP, ICMP and another protocol over a
 * few dozen endpoint pairs, time moving forward in irregular steps with gaps past the timeouts;
 * `lateEvery`: every n-th packet is up to `maxLateUs` older than the one before.
 */
function workload(seed: number, count: number, lateEvery: number, maxLateUs: number): Step[] {
  const rnd = random(seed);
  const flagsChoice = [F.SYN, F.SYN | F.ACK, F.ACK, F.PSH | F.ACK, F.FIN | F.ACK, F.RST, F.RST | F.ACK, F.ACK];
  const steps: Step[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    at += r < 0.02 ? Math.floor(rnd() * 400 * s) : Math.floor(rnd() * 0.5 * s);
    if (rnd() < 0.02) {
      steps.push({ kind: 'watermark', tsUs: packet({ from: 'c', at: at + Math.floor(rnd() * 100 * s) }).tsUs });
      continue;
    }
    const protoPick = rnd();
    const proto = protoPick < 0.6 ? 6 : protoPick < 0.85 ? 17 : protoPick < 0.95 ? 1 : 47;
    const late = lateEvery > 0 && i % lateEvery === 0 ? Math.floor(rnd() * maxLateUs) : 0;
    steps.push({
      kind: 'packet',
      pkt: packet({
        from: rnd() < 0.5 ? 'c' : 's',
        proto,
        flags: proto === 6 ? flagsChoice[Math.floor(rnd() * flagsChoice.length)] : 0,
        seq: Math.floor(rnd() * 4) * 100,
        ack: Math.floor(rnd() * 4) * 100 + 1,
        len: rnd() < 0.5 ? 0 : Math.floor(rnd() * 1400),
        at: Math.max(0, at - late),
        clientPort: 40000 + Math.floor(rnd() * 12),
        serverPort: proto === 17 ? [53, 123, 5000][Math.floor(rnd() * 3)] : 80,
        vlan: rnd() < 0.1 ? 7 : null,
      }),
    });
  }
  return steps;
}

/**
 * The packets with the bytes a PacketView carries (`frame`, `ipVersion`, `ipOffset`), so the table
 * finds IPv4 flows by the address numbers: every packet (`every` 1), or every n-th (mixed paths).
 */
function withFrames(steps: Step[], every: number): Step[] {
  return steps.map((step, i) => {
    if (step.kind !== 'packet' || i % every !== 0) return step;
    const frame = Buffer.alloc(4 + 20);
    frame.set(step.pkt.src.split('.').map(Number), 4 + 12);
    frame.set(step.pkt.dst.split('.').map(Number), 4 + 16);
    return { kind: 'packet', pkt: { ...step.pkt, frame, ipVersion: 4, ipOffset: 4 } };
  });
}

/**
 * The packets over IPv6 (the client's address the lower, as for IPv4), with the frame bytes of a
 * PacketView on every n-th (`every` 0: none), so the table finds IPv6 flows by their tuple too.
 */
function overIpv6(steps: Step[], every: number): Step[] {
  const v6: Record<string, [string, number]> = { '10.0.0.5': ['2001:db8::5', 0x05], '10.0.0.80': ['2001:db8::50', 0x50] };
  return steps.map((step, i) => {
    if (step.kind !== 'packet') return step;
    const [src, srcLast] = v6[step.pkt.src];
    const [dst, dstLast] = v6[step.pkt.dst];
    const pkt: FlowPacket = { ...step.pkt, src, dst, ipVersion: 6 };
    if (every === 0 || i % every !== 0) return { kind: 'packet', pkt };
    const frame = Buffer.alloc(4 + 40);
    for (const [at, last] of [[4 + 8, srcLast], [4 + 24, dstLast]]) {
      frame.writeUInt32BE(0x20010db8, at);
      frame[at + 15] = last;
    }
    return { kind: 'packet', pkt: { ...pkt, frame, ipOffset: 4 } };
  });
}

function runBoth(steps: Step[], options: FlowTableOptions, store?: FlowStateStore) {
  const table = new FlowTable(options, store);
  const reference = new ScanningFlowTable(options);
  const got: FlowRecord[][] = [];
  const want: FlowRecord[][] = [];
  for (const step of steps) {
    if (step.kind === 'packet') {
      got.push([...table.add(step.pkt)]);
      want.push(reference.add(step.pkt));
    } else {
      got.push([...table.advanceTo(step.tsUs)]);
      want.push(reference.advanceTo(step.tsUs));
    }
  }
  got.push([...table.flush()]);
  want.push(reference.flush());
  return { got, want, table };
}

describe('FlowTable expiry lists against a whole-table scan', () => {
  const cases: { name: string; seed: number; lateEvery: number; maxLateUs: number; options: FlowTableOptions }[] = [
    { name: 'packets in time order, default timeouts', seed: 1, lateEvery: 0, maxLateUs: 0, options: {} },
    { name: 'packets in time order, short timeouts', seed: 2, lateEvery: 0, maxLateUs: 0, options: { tcpIdleTimeoutUs: 20 * s, udpIdleTimeoutUs: 5 * s, icmpIdleTimeoutUs: 3 * s, otherIdleTimeoutUs: 7 * s, activeTimeoutUs: 40 * s, tcpClosingTimeoutUs: 2 * s } },
    { name: 'late packets (up to 30 s)', seed: 3, lateEvery: 7, maxLateUs: 30 * s, options: { tcpIdleTimeoutUs: 20 * s, udpIdleTimeoutUs: 5 * s, activeTimeoutUs: 40 * s, tcpClosingTimeoutUs: 2 * s } },
    { name: 'closing timeout longer than idle, no close on FIN/RST', seed: 4, lateEvery: 11, maxLateUs: 3 * s, options: { tcpIdleTimeoutUs: 4 * s, tcpClosingTimeoutUs: 9 * s, closeOnFin: false, closeOnRst: false, activeTimeoutUs: 30 * s } },
    { name: 'checked on every packet', seed: 5, lateEvery: 5, maxLateUs: 2 * s, options: { expiryCheckIntervalUs: 0, udpIdleTimeoutUs: 2 * s, tcpIdleTimeoutUs: 6 * s } },
  ];

  it.each(cases)('$name: the same records in the same order', ({ seed, lateEvery, maxLateUs, options }) => {
    const { got, want } = runBoth(workload(seed, 4000, lateEvery, maxLateUs), options);
    const emittedCount = want.reduce((n, r) => n + r.length, 0);
    expect(emittedCount).toBeGreaterThan(100);
    expect(want.slice(0, -1).some((r) => r.some((f) => f.close_reason === 'IDLE'))).toBe(true);
    expect(got).toEqual(want);
  });

  it.each([
    ['every packet with its frame bytes', 1],
    ['every third packet with its frame bytes (both lookups on the same flows)', 3],
  ])('%s: the same records as by key strings', (_name, every) => {
    const options: FlowTableOptions = { tcpIdleTimeoutUs: 20 * s, udpIdleTimeoutUs: 5 * s, activeTimeoutUs: 40 * s, tcpClosingTimeoutUs: 2 * s };
    const { got, want, table } = runBoth(withFrames(workload(7, 4000, 13, 3 * s), every), options);
    expect(want.reduce((n, r) => n + r.length, 0)).toBeGreaterThan(100);
    expect(got).toEqual(want);
    expect(table.size).toBe(0);
  });

  it.each([
    ['IPv6 without frame bytes (by key)', 0],
    ['IPv6 with frame bytes on every packet', 1],
    ['IPv6 with frame bytes on every third packet (both lookups on the same flows)', 3],
  ])('%s: the same records', (_name, every) => {
    const options: FlowTableOptions = { tcpIdleTimeoutUs: 20 * s, udpIdleTimeoutUs: 5 * s, activeTimeoutUs: 40 * s, tcpClosingTimeoutUs: 2 * s, expiryCheckIntervalUs: 30 * s };
    const { got, want, table } = runBoth(overIpv6(workload(8, 4000, 17, 3 * s), every), options);
    expect(want.reduce((n, r) => n + r.length, 0)).toBeGreaterThan(100);
    expect(want.flat().every((r) => r.orig_h.startsWith('2001:db8::'))).toBe(true);
    expect(got).toEqual(want);
    expect(table.size).toBe(0);
  });

  it('writes every change through to a given store, and picks up flows restored into it', () => {
    const steps = workload(6, 3000, 9, 5 * s);
    const split = 1500;
    const map = new Map<string, FlowState>();
    const store: FlowStateStore = {
      get: (k) => map.get(k), put: (k, v) => { map.set(k, v); }, delete: (k) => { map.delete(k); },
      entries: () => map.entries(), get size() { return map.size; },
    };
    const options: FlowTableOptions = { tcpIdleTimeoutUs: 30 * s, udpIdleTimeoutUs: 10 * s, activeTimeoutUs: 60 * s };
    const first = runBoth(steps.slice(0, split), options, store);
    // Undo the flush: restore the open flows as a changelog would (JSON), into a fresh table.
    const open = new ScanningFlowTable(options);
    for (const step of steps.slice(0, split)) {
      if (step.kind === 'packet') open.add(step.pkt);
      else open.advanceTo(step.tsUs);
    }
    expect(first.got).toEqual(first.want);
    expect(map.size).toBe(0);
    for (const [k, v] of open.flows) map.set(k, JSON.parse(JSON.stringify(v)) as FlowState);
    const restoredCount = map.size;
    expect(restoredCount).toBeGreaterThan(5);

    const table = new FlowTable(options, store);
    expect(table.size).toBe(restoredCount);
    const got: FlowRecord[][] = [];
    const want: FlowRecord[][] = [];
    for (const step of steps.slice(split)) {
      if (step.kind === 'packet') {
        got.push([...table.add(step.pkt)]);
        want.push(open.add(step.pkt));
        expect(map.get(flowKey(step.pkt))).toBe(table.get(flowKey(step.pkt)));
      } else {
        got.push([...table.advanceTo(step.tsUs)]);
        want.push(open.advanceTo(step.tsUs));
      }
      expect(map.size).toBe(table.size);
    }
    got.push([...table.flush()]);
    want.push(open.flush());
    expect(got).toEqual(want);
    expect(map.size).toBe(0);
  });
});
