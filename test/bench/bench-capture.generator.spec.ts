import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowKey } from '@ids/flow';
import { decodePacket, type DecodedPacket } from '@ids/packet';
import { PcapFileReader, type CaptureFrame } from '@ids/pcap';
import { internetChecksum } from '../fixtures/frame.builder';
import { ensureBenchCapture, stampPathOf } from './bench-capture.cache';
import { writeBenchCapture } from './bench-capture.generator';

const TARGET = 3_000_000;

async function readAll(path: string): Promise<CaptureFrame[]> {
  const frames: CaptureFrame[] = [];
  for await (const f of new PcapFileReader(path, { copy: true })) frames.push(f);
  return frames;
}

/** The transport checksum of `pkt` recomputed over its pseudo-header and segment: 0 when it is right. */
function transportChecksumResidue(frame: Buffer, pkt: DecodedPacket): number {
  const segment = frame.subarray(pkt.transportOffset, pkt.payloadOffset + pkt.payloadLength);
  if (pkt.ipProto === 1) return internetChecksum(segment);
  const ip = pkt.ipOffset;
  const v6 = pkt.ipVersion === 6;
  const addresses = v6 ? frame.subarray(ip + 8, ip + 40) : frame.subarray(ip + 12, ip + 20);
  const tail = Buffer.alloc(v6 ? 8 : 4);
  if (v6) {
    tail.writeUInt32BE(segment.length, 0);
    tail[7] = pkt.ipProto;
  } else {
    tail[1] = pkt.ipProto;
    tail.writeUInt16BE(segment.length, 2);
  }
  return internetChecksum(addresses, tail, segment);
}

describe('bench capture generator', () => {
  let dir: string;
  let frames: CaptureFrame[];
  let conversations: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-capture-'));
    conversations = writeBenchCapture(join(dir, 'a.pcap'), { targetBytes: TARGET, templates: 256 }).conversations;
    frames = await readAll(join(dir, 'a.pcap'));
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes for the same options, and other bytes for another seed', () => {
    const stats = writeBenchCapture(join(dir, 'b.pcap'), { targetBytes: TARGET, templates: 256 });
    writeBenchCapture(join(dir, 'c.pcap'), { targetBytes: TARGET, templates: 256, seed: 7 });
    const sha = (name: string) => createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    expect(sha('b.pcap')).toBe(sha('a.pcap'));
    expect(sha('c.pcap')).not.toBe(sha('a.pcap'));
    expect(stats.bytes).toBeGreaterThanOrEqual(TARGET);
    expect(stats.bytes).toBe(readFileSync(join(dir, 'b.pcap')).length);
    expect(stats.frames).toBe(frames.length);
  }, 60_000);

  it('writes frames in time order, 60 to 1514 bytes, every one an IP packet', () => {
    let last = 0;
    for (const f of frames) {
      expect(f.tsUs).toBeGreaterThanOrEqual(last);
      last = f.tsUs;
      expect(f.capturedLength).toBeGreaterThanOrEqual(60);
      expect(f.capturedLength).toBeLessThanOrEqual(1514);
      expect(decodePacket(f.data, f.linkType, f.tsUs, f.originalLength).ok).toBe(true);
    }
    const sizes = new Set(frames.map((f) => f.capturedLength));
    expect(sizes.has(60)).toBe(true);
    expect(sizes.has(1514)).toBe(true);
    expect(sizes.size).toBeGreaterThan(200);
  });

  it('mixes TCP, UDP, ICMP and IPv6, with TCP handshakes and closes, a flow or more per conversation', () => {
    const pkts = frames.map((f) => decodePacket(f.data, f.linkType, f.tsUs, f.originalLength)).filter((p): p is DecodedPacket => p.ok);
    const count = (pred: (p: DecodedPacket) => boolean) => pkts.filter(pred).length;
    expect(count((p) => p.ipProto === 6)).toBeGreaterThan(pkts.length / 2);
    expect(count((p) => p.ipProto === 17 && (p.srcPort === 53 || p.dstPort === 53))).toBeGreaterThan(100);
    expect(count((p) => p.ipProto === 1)).toBeGreaterThan(10);
    expect(count((p) => p.ipProto === 58)).toBeGreaterThan(0);
    expect(count((p) => p.ipVersion === 6)).toBeGreaterThan(pkts.length / 100);
    expect(count((p) => p.tcpFlags === 0x02)).toBeGreaterThan(100);
    expect(count((p) => (p.tcpFlags & 0x01) !== 0)).toBeGreaterThan(100);
    const flows = new Set(pkts.map(flowKey));
    // Copies of one template get their own endpoints: about a flow per conversation (ICMP
    // unreachable makes two), not a flow per template.
    expect(conversations).toBeGreaterThan(500);
    expect(flows.size).toBeGreaterThanOrEqual(0.98 * conversations);
    expect(flows.size).toBeLessThanOrEqual(1.05 * conversations);
  });

  it('keeps every IPv4 header and TCP, UDP, ICMP and ICMPv6 checksum right after patching the endpoints', () => {
    let checked = 0;
    for (const f of frames) {
      const pkt = decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
      if (!pkt.ok) throw new Error(pkt.reason);
      if (pkt.ipVersion === 4) expect(internetChecksum(f.data.subarray(pkt.ipOffset, pkt.ipOffset + 20))).toBe(0);
      expect(transportChecksumResidue(f.data, pkt)).toBe(0);
      checked++;
    }
    expect(checked).toBe(frames.length);
  });
});

describe('bench capture cache', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-cache-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates once, then reuses the file while its stamp matches', () => {
    const path = join(dir, 'capture.pcap');
    const options = { targetBytes: 500_000, templates: 64 };
    expect(ensureBenchCapture(path, options).generated).toBe(true);
    const again = ensureBenchCapture(path, options);
    expect(again.generated).toBe(false);
    expect(again.stats.bytes).toBe(readFileSync(path).length);
  }, 60_000);

  it('generates again when the size, the options or the generator version differ from the stamp', () => {
    const path = join(dir, 'capture.pcap');
    const options = { targetBytes: 500_000, templates: 64 };
    ensureBenchCapture(path, options);
    truncateSync(path, 1000);
    expect(ensureBenchCapture(path, options).generated).toBe(true);
    expect(ensureBenchCapture(path, { ...options, targetBytes: 600_000 }).generated).toBe(true);
    const stamp = JSON.parse(readFileSync(stampPathOf(path), 'utf8'));
    writeFileSync(stampPathOf(path), JSON.stringify({ ...stamp, generatorVersion: 0 }));
    expect(ensureBenchCapture(path, { ...options, targetBytes: 600_000 }).generated).toBe(true);
    rmSync(stampPathOf(path));
    expect(ensureBenchCapture(path, { ...options, targetBytes: 600_000 }).generated).toBe(true);
  }, 60_000);
});
