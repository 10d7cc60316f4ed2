import { linkTypeOfCap, wireLengthFromHeaders } from './live-capture.link';

const ipv4 = (total: number) => { const h = Buffer.alloc(20); h[0] = 0x45; h.writeUInt16BE(total, 2); return h; };
const ipv6 = (payload: number) => { const h = Buffer.alloc(40); h[0] = 0x60; h.writeUInt16BE(payload, 4); return h; };
const ether = (type: number, ...tags: number[]) => {
  const h = Buffer.alloc(14 + tags.length * 4);
  let at = 12;
  for (const tag of tags) { h.writeUInt16BE(tag, at); at += 4; }
  h.writeUInt16BE(type, at);
  return h;
};

describe('linkTypeOfCap', () => {
  it('returns null for a name cap does not produce', () => {
    expect(linkTypeOfCap('TOKEN_RING')).toBeNull();
  });
});

describe('wireLengthFromHeaders', () => {
  it.each([
    ['Ethernet IPv4', 1, Buffer.concat([ether(0x0800), ipv4(1500)]), 1514],
    ['Ethernet 802.1Q IPv4', 1, Buffer.concat([ether(0x0800, 0x8100), ipv4(100)]), 118],
    ['Ethernet QinQ IPv6', 1, Buffer.concat([ether(0x86dd, 0x88a8, 0x8100), ipv6(1000)]), 22 + 40 + 1000],
    ['Linux SLL IPv4', 113, Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]), ipv4(60)]), 76],
    ['raw IPv6', 101, ipv6(8), 48],
    ['BSD null IPv4', 0, Buffer.concat([Buffer.from([2, 0, 0, 0]), ipv4(84)]), 88],
  ])('%s', (_name, linkType, frame, expected) => {
    expect(wireLengthFromHeaders(linkType, frame)).toBe(expected);
  });

  it.each([
    ['ARP', 1, Buffer.concat([ether(0x0806), Buffer.alloc(28)])],
    ['an EtherType that disagrees with the IP version', 1, Buffer.concat([ether(0x86dd), ipv4(100)])],
    ['too short', 1, Buffer.alloc(10)],
    ['an IPv6 jumbogram', 101, ipv6(0)],
    ['an unknown link type', 127, ipv4(100)],
  ])('null for %s', (_name, linkType, frame) => {
    expect(wireLengthFromHeaders(linkType, frame)).toBeNull();
  });

  it('reads only the captured bytes of a larger buffer', () => {
    const frame = Buffer.concat([ether(0x0800), ipv4(100)]);
    expect(wireLengthFromHeaders(1, frame, 16)).toBeNull();
  });
});
