import { FlowEntry } from './flow-entry';
import { FlowTupleIndex, parseIpv4 } from './flow-tuple.index';
import type { FlowPacket } from './flow-state';
import { packet } from './flow-test.packets';

describe('parseIpv4', () => {
  it.each<[string, number]>([
    ['10.0.0.5', 0x0a000005],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.168.1.254', 0xc0a801fe],
    ['256.0.0.1', -1],
    ['10.0.0', -1],
    ['10.0.0.5.1', -1],
    ['10..0.5', -1],
    ['010.0.0.5', -1], // a leading zero: not the text the decoder writes for this number
    ['::1', -1],
    ['::ffff:10.0.0.5', -1],
    ['', -1],
  ])('%s -> %d', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });
});

/** A packet of pair `i` (client 10.x.y.z port 40000 + i % 7 to a server), with its IPv4 or IPv6 frame bytes when asked. */
function pairPacket(i: number, v6: boolean, frame: boolean): FlowPacket {
  const base = packet({ from: 'c', proto: 17, clientPort: 40000 + (i % 7) });
  const addr = (n: number) => (v6 ? `2001:db8::${n.toString(16)}` : `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  const src = addr(i + 0x100000);
  const dst = addr(1);
  const p = { ...base, src, dst, addressOrder: 1 as const };
  if (!frame) return v6 ? { ...p, ipVersion: 6 } : p;
  const bytes = Buffer.alloc(4 + 40);
  const put = (n: number, at: number) => {
    if (v6) {
      bytes.writeUInt32BE(0x20010db8, at);
      bytes.writeUInt32BE(n, at + 12);
    } else {
      bytes.writeUInt32BE(0x0a000000 + n, at);
    }
  };
  put(i + 0x100000, 4 + (v6 ? 8 : 12));
  put(1, 4 + (v6 ? 24 : 16));
  return { ...p, frame: bytes, ipVersion: v6 ? 6 : 4, ipOffset: 4 };
}

describe('FlowTupleIndex', () => {
  it('finds every flow it holds after growing, by frame bytes or by text, and none it does not', () => {
    const index = new FlowTupleIndex();
    const flows = new Map<number, FlowEntry>();
    for (let i = 0; i < 5000; i++) {
      expect(index.fromPacket(pairPacket(i, false, i % 2 === 0), false)).toBe(true);
      expect(index.find()).toBeNull();
      const flow = new FlowEntry();
      index.add(flow);
      flows.set(i, flow);
    }
    for (let i = 0; i < 5000; i++) {
      index.fromPacket(pairPacket(i, false, i % 2 === 1), false);
      expect(index.find()).toBe(flows.get(i));
    }
    for (let i = 0; i < 5000; i += 2) index.remove(flows.get(i)!);
    for (let i = 0; i < 5000; i++) {
      index.fromPacket(pairPacket(i, false, true), false);
      expect(index.find()).toBe(i % 2 === 0 ? null : flows.get(i));
    }
  });

  it('keeps IPv6 apart from IPv4, and takes IPv6 only from frame bytes', () => {
    const index = new FlowTupleIndex();
    expect(index.fromPacket(pairPacket(3, true, false), false)).toBe(false);
    expect(index.fromPacket(pairPacket(3, true, true), false)).toBe(true);
    const v6 = new FlowEntry();
    index.add(v6);
    index.fromPacket(pairPacket(3, false, true), false);
    expect(index.find()).toBeNull();
    index.fromPacket(pairPacket(3, true, true), false);
    expect(index.find()).toBe(v6);
    index.fromPacket(pairPacket(4, true, true), false);
    expect(index.find()).toBeNull();
  });
});
