import { compareAddressBytes, formatIpv4, formatIpv6 } from './ip-address';

function v6(text: string): Buffer {
  // Full form only: eight groups.
  const out = Buffer.alloc(16);
  text.split(':').forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 2 * i));
  return out;
}

describe('formatIpv6 (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0000:0000:0001:0000:0000:0000:0001', '2001:0:0:1::1'],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'],
    ['fe80:0000:0000:0000:0202:b3ff:fe1e:8329', 'fe80::202:b3ff:fe1e:8329'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000', '2001:db8::'],
    ['ff02:0000:0000:0000:0000:0000:0000:00fb', 'ff02::fb'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['2001:0DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'],
  ])('%s -> %s', (full, text) => {
    expect(formatIpv6(v6(full), 0)).toBe(text);
  });
});

describe('formatIpv4', () => {
  it.each([
    [[0, 0, 0, 0], '0.0.0.0'],
    [[10, 0, 0, 5], '10.0.0.5'],
    [[255, 255, 255, 255], '255.255.255.255'],
  ])('%j -> %s', (bytes, text) => {
    expect(formatIpv4(Buffer.from([9, ...bytes]), 1)).toBe(text);
  });
});

describe('compareAddressBytes', () => {
  it.each([
    [[10, 0, 0, 5], [10, 0, 0, 6], -1],
    [[10, 0, 0, 6], [10, 0, 0, 5], 1],
    [[9, 255, 255, 255], [10, 0, 0, 0], -1],
    [[200, 0, 0, 1], [20, 0, 0, 1], 1],
    [[1, 2, 3, 4], [1, 2, 3, 4], 0],
  ])('%j vs %j -> %d', (a, b, sign) => {
    expect(compareAddressBytes(Buffer.from([...a, ...b]), 0, 4, 4)).toBe(sign);
  });
});
