import { evenFragments, fragmentIp, type FragmentSpec } from '../../../test/fixtures/fragment.builder';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, TCP, ethernetFrame, ipPacket, tcpPacket, udpPacket } from '../../../test/fixtures/frame.builder';
import type { DecodedPacket } from './decoded-packet';
import { IpReassembler, type ReassemblyCounter, type ReassemblyResult } from './ip-fragment.reassembler';
import { decodePacket } from './packet.decoder';

const TS = 1_705_312_800_000_000;
const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const v4 = { src: '192.0.2.1', dst: '198.51.100.2', id: 0x1234, dontFragment: false };
const v6 = { src: '2001:db8::1', dst: '2001:db8::2' };
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));

function frameOf(ip: Buffer, vlans?: number[]): Buffer {
  return ethernetFrame({ ...eth, vlans }, ip[0] >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, ip);
}
function decoded(frame: Buffer, tsUs = TS): DecodedPacket {
  const r = decodePacket(frame, 1, tsUs);
  if (!r.ok) throw new Error(`fixture does not decode: ${r.reason} ${r.detail}`);
  return r;
}
/** `frame` with `length` bytes at `ipPayloadOffset` of its IP payload set to `value` (what first-wins keeps). */
function withBytes(frame: Buffer, ipPayloadOffset: number, length: number, value: number): Buffer {
  const copy = Buffer.from(frame);
  copy.fill(value, 34 + ipPayloadOffset, 34 + ipPayloadOffset + length);
  return copy;
}

// IPv4 / UDP with a 108-byte IP payload: A [0, 48) B [48, 96) C [96, 108).
const udp4 = udpPacket(v4, { srcPort: 5000, dstPort: 53 }, bytes(100));
const A: FragmentSpec = { offset: 0, length: 48 };
const B: FragmentSpec = { offset: 48, length: 48 };
const C: FragmentSpec = { offset: 96, length: 12 };
const tcp4 = tcpPacket(v4, { srcPort: 40000, dstPort: 80, seq: 1, ack: 1, flags: TCP.ACK | TCP.PSH }, bytes(76));
const udp6 = udpPacket(v6, { srcPort: 5000, dstPort: 53 }, bytes(150));
// IPv6 with a hop-by-hop header (unfragmentable: stays before the fragment header).
const hopByHop6 = ipPacket(v6, 0, Buffer.concat([Buffer.from([17, 0, 1, 4, 0, 0, 0, 0]), udpPacket(v6, { srcPort: 7, dstPort: 9 }, bytes(100)).subarray(40)]));

interface Scenario {
  original: Buffer;
  /** Fragment frames, pushed in this order, one microsecond apart. */
  fragments: Buffer[];
  last: ReassemblyResult['kind'] | 'too-big' | 'invalid' | 'truncated' | 'memory-limit';
  /** The frame expected on completion (default: `original`). */
  frame?: Buffer;
  counters?: Partial<Record<ReassemblyCounter, number>>;
  wrongFragments?: number;
  pending?: number;
}

const f4 = (specs: FragmentSpec[], vlans?: number[]) => fragmentIp(udp4, specs).map((f) => frameOf(f, vlans));
const f6 = (packet: Buffer, specs: FragmentSpec[], unfragmentable = 0) => fragmentIp(packet, specs, 0xcafe, unfragmentable).map((f) => frameOf(f));
const ORIGINAL4 = frameOf(udp4);

const scenarios: Record<string, Scenario> = {
  'IPv4 in order': { original: ORIGINAL4, fragments: f4([A, B, C]), last: 'complete', counters: { fragments: 3, completed: 1 }, wrongFragments: 0 },
  'IPv4 out of order (last first)': { original: ORIGINAL4, fragments: f4([C, A, B]), last: 'complete', counters: { completed: 1 } },
  'IPv4 reversed, offset 0 last': { original: ORIGINAL4, fragments: f4([C, B, A]), last: 'complete' },
  'a duplicate fragment: counted, not wrong': { original: ORIGINAL4, fragments: f4([A, B, B, C]), last: 'complete', counters: { duplicate: 1, overlap: 0, fragments: 4 }, wrongFragments: 0 },
  'an overlap over held bytes: first wins': {
    original: ORIGINAL4, fragments: f4([A, B, { offset: 40, length: 16, fill: 0xaa, more: true }, C]), last: 'complete',
    counters: { overlap: 1, duplicate: 0 }, wrongFragments: 1,
  },
  'an overlap that brings new bytes: those are kept, later conflicting ones are not': {
    original: ORIGINAL4, fragments: f4([A, { offset: 40, length: 16, fill: 0xaa, more: true }, B, C]), last: 'complete',
    frame: withBytes(ORIGINAL4, 48, 8, 0xaa), counters: { overlap: 2 }, wrongFragments: 2,
  },
  'the last fragment missing': { original: ORIGINAL4, fragments: f4([A, B]), last: 'pending', pending: 1, counters: { completed: 0 } },
  'the first fragment missing': { original: ORIGINAL4, fragments: f4([B, C]), last: 'pending', pending: 1 },
  'tiny 8-byte fragments, shuffled': {
    original: frameOf(tcp4),
    fragments: ((all) => [...all.filter((_, i) => i % 2 === 1), ...all.filter((_, i) => i % 2 === 0)])(fragmentIp(tcp4, evenFragments(tcp4.length - 20, 8)).map((f) => frameOf(f))),
    last: 'complete', counters: { fragments: 12, completed: 1 },
  },
  'a middle fragment not a multiple of 8: cut, wrong': {
    original: ORIGINAL4, fragments: f4([{ offset: 0, length: 44, more: true }, { offset: 40, length: 68 }]), last: 'complete', wrongFragments: 1, counters: { duplicate: 0, overlap: 0 },
  },
  'a second last fragment with another end: invalid, datagram dropped': {
    original: ORIGINAL4, fragments: f4([A, C, { offset: 96, length: 4, more: false }]), last: 'invalid', pending: 0, counters: { invalid: 1 },
  },
  'data past the last fragment: invalid': { original: ORIGINAL4, fragments: f4([C, { offset: 96, length: 24, more: true }]), last: 'invalid', pending: 0 },
  'a zero-length fragment: invalid': { original: ORIGINAL4, fragments: f4([A, { offset: 48, length: 0, more: true }]), last: 'invalid', pending: 1 },
  'past 65535 bytes (ping of death): too big': {
    original: ORIGINAL4, fragments: f4([A, { offset: 65528, length: 16, more: false }]), last: 'too-big', pending: 0, counters: { 'too-big': 1 },
  },
  'VLAN-tagged fragments keep their tag': { original: frameOf(udp4, [100]), fragments: f4([B, A, C], [100]), last: 'complete' },
  'QinQ-tagged fragments keep both tags': { original: frameOf(udp4, [300, 42]), fragments: f4([A, B, C], [300, 42]), last: 'complete' },
  'one datagram id on two VLANs never mixes': { original: ORIGINAL4, fragments: [...f4([A, C], [100]), ...f4([B], [200])], last: 'pending', pending: 2 },
  'IPv6 fragment header, in order': { original: frameOf(udp6), fragments: f6(udp6, [{ offset: 0, length: 64 }, { offset: 64, length: 64 }, { offset: 128, length: 30 }]), last: 'complete' },
  'IPv6 out of order with a duplicate': {
    original: frameOf(udp6), fragments: f6(udp6, [{ offset: 128, length: 30 }, { offset: 64, length: 64 }, { offset: 128, length: 30 }, { offset: 0, length: 64 }]),
    last: 'complete', counters: { duplicate: 1 },
  },
  'IPv6 hop-by-hop kept before the data': { original: frameOf(hopByHop6), fragments: f6(hopByHop6, [{ offset: 56, length: 52 }, { offset: 0, length: 56 }], 8), last: 'complete' },
  'an IPv6 atomic fragment stands alone': { original: frameOf(udp6), fragments: f6(udp6, [{ offset: 0, length: 158 }]), last: 'complete', pending: 0 },
  'a fragment cut by the snap length: truncated': { original: ORIGINAL4, fragments: f4([A]).map((f) => f.subarray(0, 50)), last: 'truncated', pending: 0 },
  'a packet that is no fragment': { original: ORIGINAL4, fragments: [ORIGINAL4], last: 'not-fragment', counters: { fragments: 0 } },
};

describe('IpReassembler', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const reassembler = new IpReassembler();
    const results = s.fragments.map((frame, i) => reassembler.push(frame, decoded(frame, TS + i)));
    const result = results[results.length - 1];
    expect(result.kind === 'dropped' ? result.reason : result.kind).toBe(s.last);
    if (result.kind === 'complete') {
      expect(result.frame.toString('hex')).toBe((s.frame ?? s.original).toString('hex'));
      expect(result).toMatchObject({ linkType: 1, tsUs: TS + s.fragments.length - 1, wireLength: (s.frame ?? s.original).length });
      if (s.wrongFragments !== undefined) expect(result.wrongFragments).toBe(s.wrongFragments);
      const pkt = decoded(result.frame);
      expect(pkt).toMatchObject({ fragment: false, ipBytes: decoded(s.original).ipBytes, srcPort: decoded(s.original).srcPort, vlan: decoded(s.original).vlan });
    }
    expect(reassembler.counters).toMatchObject(s.counters ?? {});
    expect(reassembler.pendingDatagrams).toBe(s.pending ?? 0);
    if ((s.pending ?? 0) === 0) expect(reassembler.bytesHeld).toBe(0);
  });

  it('decodes a reassembled TCP segment whole: ports, flags and payload', () => {
    const reassembler = new IpReassembler();
    const [first, second] = fragmentIp(tcp4, [{ offset: 0, length: 16 }, { offset: 16, length: 80 }]).map((f) => frameOf(f));
    expect(reassembler.push(first, decoded(first)).kind).toBe('pending');
    const done = reassembler.push(second, decoded(second, TS + 5));
    if (done.kind !== 'complete') throw new Error(done.kind);
    expect(decodePacket(done.frame, done.linkType, done.tsUs, done.wireLength)).toMatchObject({
      ok: true, fragment: false, srcPort: 40000, dstPort: 80, tcpFlags: TCP.ACK | TCP.PSH, payloadLength: 76, tsUs: TS + 5, wireLength: 14 + 116,
    });
  });

  describe('time', () => {
    it('expires a datagram whose last fragment never comes, 30 s after its first', () => {
      const reassembler = new IpReassembler();
      for (const frame of f4([A, B])) reassembler.push(frame, decoded(frame, TS));
      expect(reassembler.expire(TS + 30_000_000)).toBe(0);
      expect(reassembler.expire(TS + 30_000_001)).toBe(1);
      expect(reassembler).toMatchObject({ pendingDatagrams: 0, bytesHeld: 0 });
      expect(reassembler.counters.timeout).toBe(1);
    });

    it('starts over when a fragment comes after the timeout (the old one is dropped)', () => {
      const reassembler = new IpReassembler({ timeoutUs: 1000 });
      const [a, b, c] = f4([A, B, C]);
      reassembler.push(a, decoded(a, TS));
      expect(reassembler.push(b, decoded(b, TS + 1001)).kind).toBe('pending');
      expect(reassembler.push(c, decoded(c, TS + 1002)).kind).toBe('pending');
      expect(reassembler.counters).toMatchObject({ timeout: 1, completed: 0 });
      expect(reassembler.push(a, decoded(a, TS + 1003)).kind).toBe('complete');
    });

    it('expires on push, from packet time only', () => {
      const reassembler = new IpReassembler({ timeoutUs: 1000 });
      const [a] = f4([A]);
      const other = fragmentIp(udp4, [A], 0x9999).map((f) => frameOf(f))[0];
      reassembler.push(a, decoded(a, TS));
      reassembler.push(other, decoded(other, TS + 5000));
      expect(reassembler.counters.timeout).toBe(1);
      expect(reassembler.pendingDatagrams).toBe(1);
    });
  });

  describe('memory bounds', () => {
    const datagram = (id: number, specs: FragmentSpec[]) => fragmentIp(udp4, specs, id).map((f) => frameOf(f));

    it('evicts the oldest datagram when the bytes held would pass maxBytes', () => {
      // Each pending datagram holds 34 header bytes + 48 data bytes.
      const reassembler = new IpReassembler({ maxBytes: 200 });
      for (const id of [1, 2, 3]) for (const frame of datagram(id, [A])) reassembler.push(frame, decoded(frame));
      expect(reassembler.counters['memory-limit']).toBe(1);
      expect(reassembler.pendingDatagrams).toBe(2);
      expect(reassembler.bytesHeld).toBe(2 * 82);
      // The evicted first datagram cannot complete; the third can.
      const [, b1, c1] = datagram(1, [A, B, C]);
      expect(reassembler.push(b1, decoded(b1)).kind).toBe('pending');
      const [, b3, c3] = datagram(3, [A, B, C]);
      reassembler.push(b3, decoded(b3));
      expect(reassembler.push(c3, decoded(c3)).kind).toBe('complete');
      expect(reassembler.push(c1, decoded(c1)).kind).toBe('pending');
    });

    it('drops a datagram that alone would pass maxBytes', () => {
      const reassembler = new IpReassembler({ maxBytes: 100 });
      const [a, b] = datagram(1, [A, B]);
      expect(reassembler.push(a, decoded(a)).kind).toBe('pending');
      expect(reassembler.push(b, decoded(b))).toMatchObject({ kind: 'dropped', reason: 'memory-limit' });
      expect(reassembler).toMatchObject({ pendingDatagrams: 0, bytesHeld: 0 });
    });

    it('evicts the oldest datagram past maxDatagrams', () => {
      const reassembler = new IpReassembler({ maxDatagrams: 2 });
      for (const id of [1, 2, 3]) for (const frame of datagram(id, [B])) reassembler.push(frame, decoded(frame));
      expect(reassembler.pendingDatagrams).toBe(2);
      expect(reassembler.counters['memory-limit']).toBe(1);
    });

    it('honours a smaller maxDatagramSize', () => {
      const reassembler = new IpReassembler({ maxDatagramSize: 100 });
      const [a, b] = f4([A, B]);
      reassembler.push(a, decoded(a));
      expect(reassembler.push(b, decoded(b))).toMatchObject({ kind: 'dropped', reason: 'too-big' });
    });
  });

  it('never throws and keeps its byte count on random fragments', () => {
    let seed = 99;
    const random = (n: number) => Math.floor(((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * n);
    const reassembler = new IpReassembler({ maxBytes: 20_000, maxDatagrams: 16, timeoutUs: 50 });
    for (let i = 0; i < 3000; i++) {
      const packet = i % 3 === 0 ? udp6 : udp4;
      const spec: FragmentSpec = { offset: random(24) * 8, length: random(64), more: random(3) !== 0, fill: random(2) === 0 ? random(256) : undefined };
      const frame = frameOf(fragmentIp(packet, [spec], random(4))[0]);
      const r = decodePacket(frame, 1, TS + i);
      if (r.ok) expect(['not-fragment', 'pending', 'complete', 'dropped']).toContain(reassembler.push(frame, r).kind);
      expect(reassembler.bytesHeld).toBeLessThanOrEqual(20_000);
    }
    expect(reassembler.counters.fragments).toBeGreaterThan(2000);
    const pending = reassembler.pendingDatagrams;
    expect(reassembler.expire(TS + 1e9)).toBe(pending);
    expect(reassembler).toMatchObject({ pendingDatagrams: 0, bytesHeld: 0 });
  });
});
