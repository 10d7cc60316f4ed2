import { ETHERTYPE_IPV4, TCP, ethernetFrame, tcpPacket, udpPacket } from '../../../test/fixtures/frame.builder';
import { newPacketBuilder, type DecodedPacket } from './decoded-packet';
import { decodePacket } from './packet.decoder';
import { decodeTcpOptions } from './tcp-options.decoder';

type OptionFields = Pick<DecodedPacket, 'tcpMss' | 'tcpWindowScale' | 'tcpSackPermitted' | 'tcpSackBlocks' | 'tcpTsVal' | 'tcpTsEcr' | 'tcpOptionsMalformed'>;
const NONE: OptionFields = { tcpMss: -1, tcpWindowScale: -1, tcpSackPermitted: false, tcpSackBlocks: 0, tcpTsVal: -1, tcpTsEcr: -1, tcpOptionsMalformed: false };

function parse(options: number[]): OptionFields {
  const pkt = newPacketBuilder(0, 0, 0, 1);
  // Garbage before and after: the decoder must read only [start, end).
  const frame = Buffer.from([0xee, 0xee, ...options, 0x02, 0x04]);
  decodeTcpOptions(frame, 2, 2 + options.length, pkt);
  const { tcpMss, tcpWindowScale, tcpSackPermitted, tcpSackBlocks, tcpTsVal, tcpTsEcr, tcpOptionsMalformed } = pkt;
  return { tcpMss, tcpWindowScale, tcpSackPermitted, tcpSackBlocks, tcpTsVal, tcpTsEcr, tcpOptionsMalformed };
}

const MSS_1460 = [2, 4, 0x05, 0xb4];
const WS_7 = [3, 3, 7];
const SACK_OK = [4, 2];
const TS = [8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x01, 0x00];
const sackBlocks = (n: number) => [5, 2 + 8 * n, ...Array<number>(8 * n).fill(0x11)];

describe('decodeTcpOptions', () => {
  const cases: [string, number[], Partial<OptionFields>][] = [
    ['no options', [], {}],
    ['a Linux SYN (MSS, SACK permitted, timestamps, NOP, window scale)', [...MSS_1460, ...SACK_OK, ...TS, 1, ...WS_7],
      { tcpMss: 1460, tcpSackPermitted: true, tcpTsVal: 0xdeadbeef, tcpTsEcr: 256, tcpWindowScale: 7 }],
    ['a Windows SYN (MSS, NOP, WS, NOP, NOP, SACK permitted)', [...MSS_1460, 1, ...WS_7.slice(0, 2), 8, 1, 1, ...SACK_OK],
      { tcpMss: 1460, tcpWindowScale: 8, tcpSackPermitted: true }],
    ['NOP, NOP, timestamps (an ACK)', [1, 1, ...TS], { tcpTsVal: 0xdeadbeef, tcpTsEcr: 256 }],
    ['one SACK block', [1, 1, ...sackBlocks(1)], { tcpSackBlocks: 1 }],
    ['three SACK blocks after timestamps', [1, 1, ...TS, 1, 1, ...sackBlocks(3)], { tcpSackBlocks: 3, tcpTsVal: 0xdeadbeef, tcpTsEcr: 256 }],
    ['a window scale above 14, as sent', [3, 3, 15], { tcpWindowScale: 15 }],
    ['end of list stops the walk', [...MSS_1460, 0, ...WS_7], { tcpMss: 1460 }],
    ['unknown kinds skipped by length (TFO cookie, MPTCP)', [34, 6, 1, 2, 3, 4, 30, 4, 0, 0, ...WS_7], { tcpWindowScale: 7 }],
    ['an option of length 0: flagged, walk stops', [...MSS_1460, 30, 0, ...WS_7], { tcpMss: 1460, tcpOptionsMalformed: true }],
    ['an option of length 1: flagged', [30, 1, ...WS_7], { tcpOptionsMalformed: true }],
    ['an option running past the header: flagged', [...WS_7, 8, 10, 0, 0], { tcpWindowScale: 7, tcpOptionsMalformed: true }],
    ['a kind without room for its length: ignored', [...MSS_1460, 2], { tcpMss: 1460 }],
    ['MSS of length 3: ignored, flagged, walk goes on', [2, 3, 5, ...WS_7], { tcpWindowScale: 7, tcpOptionsMalformed: true }],
    ['window scale of length 4: flagged', [3, 4, 7, 0], { tcpOptionsMalformed: true }],
    ['SACK permitted of length 3: flagged', [4, 3, 0], { tcpOptionsMalformed: true }],
    ['SACK of length 9: flagged', [5, 9, 0, 0, 0, 0, 0, 0, 0], { tcpOptionsMalformed: true }],
    ['SACK of length 2 (no block): flagged', [5, 2], { tcpOptionsMalformed: true }],
    ['timestamps of length 8: flagged', [8, 8, 0, 0, 0, 0, 0, 0], { tcpOptionsMalformed: true }],
  ];

  it.each(cases)('parses %s', (_name, options, expected) => {
    expect(parse(options)).toEqual({ ...NONE, ...expected });
  });

  const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
  const synFrame = (options: number[]) =>
    ethernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }, ETHERTYPE_IPV4, tcpPacket(ip, { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TCP.SYN, options: Buffer.from(options) }));

  it('reads options through decodePacket and keeps a packet whose options are bad', () => {
    const good = decodePacket(synFrame([...MSS_1460, ...SACK_OK, ...TS, 1, ...WS_7]), 1, 0);
    expect(good).toMatchObject({ ok: true, tcpMss: 1460, tcpSackPermitted: true, tcpWindowScale: 7, tcpTsVal: 0xdeadbeef, tcpOptionsMalformed: false });
    const bad = decodePacket(synFrame([...MSS_1460, 99, 0]), 1, 0);
    expect(bad).toMatchObject({ ok: true, srcPort: 1, dstPort: 2, tcpMss: 1460, tcpOptionsMalformed: true, transportHeaderLength: 28 });
  });

  it('reads only the captured options: a snap length that cuts them is not malformed', () => {
    const frame = synFrame([...MSS_1460, ...TS, ...WS_7]);
    // Ethernet 14 + IPv4 20 + TCP 20 + MSS 4 + 6 of the 10 timestamp bytes.
    expect(decodePacket(frame.subarray(0, 64), 1, 0, frame.length)).toMatchObject({ ok: true, tcpMss: 1460, tcpTsVal: -1, tcpWindowScale: -1, tcpOptionsMalformed: false });
  });

  it('leaves the option fields at their absent values for UDP', () => {
    const udp = ethernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }, ETHERTYPE_IPV4, udpPacket(ip, { srcPort: 1, dstPort: 2 }, Buffer.from([2, 4, 5, 0xb4])));
    expect(decodePacket(udp, 1, 0)).toMatchObject({ ok: true, ipProto: 17, ...NONE });
  });
});
