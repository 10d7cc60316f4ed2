import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../../test/fixtures/frame.builder';
import { evenFragments, fragmentIp } from '../../../test/fixtures/fragment.builder';
import { DefragmentingFrameKeyer, flowKeyOfFrame } from './frame-key';
import type { CapturedFrame } from './capture.source';

const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
const frameOf = (data: Buffer, tsUs: number): CapturedFrame => ({ tsUs, originalLength: data.length, linkType: 1, data });

describe('DefragmentingFrameKeyer', () => {
  const whole = udpPacket(ip, { srcPort: 5353, dstPort: 53 }, Buffer.alloc(1000, 7));
  const wholeKey = flowKeyOfFrame(frameOf(ethernetFrame(eth, ETHERTYPE_IPV4, whole), 0));

  it('holds fragments, then writes the datagram once under the flow key of the whole', () => {
    const keyer = new DefragmentingFrameKeyer();
    const pieces = fragmentIp(whole, evenFragments(1008, 400)).map((p, i) => frameOf(ethernetFrame(eth, ETHERTYPE_IPV4, p), 10 + i));
    const results = pieces.map((f) => keyer.accept(f));
    expect(results.slice(0, -1)).toEqual([null, null]);
    const done = results[results.length - 1]!;
    expect(done.key).toBe(wholeKey);
    expect(done.frame.tsUs).toBe(12);
    expect(done.frame.data.length).toBe(14 + whole.length);
    expect(keyer.counters).toMatchObject({ fragments: 3, completed: 1 });
  });

  it('passes other frames through with their flow key, and non-IP with none', () => {
    const keyer = new DefragmentingFrameKeyer();
    const frame = frameOf(ethernetFrame(eth, ETHERTYPE_IPV4, whole), 1);
    expect(keyer.accept(frame)).toEqual({ frame, key: wholeKey });
    const arp = frameOf(ethernetFrame(eth, 0x0806, Buffer.alloc(28)), 2);
    expect(keyer.accept(arp)).toEqual({ frame: arp, key: null });
  });
});
