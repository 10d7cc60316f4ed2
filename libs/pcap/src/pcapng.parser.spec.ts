import type { CaptureFrame } from './capture-frame';
import { emptyFrameSlot, type CaptureFrameSlot } from './capture.parser';
import { PcapngParser } from './pcapng.parser';
import { PcapRecordInvalidError } from './pcap.error';

// Builders for pcapng blocks, in either byte order.
function block(le: boolean, type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const out = Buffer.alloc(12 + padded.length);
  const u32 = (v: number, at: number) => (le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at));
  u32(type, 0);
  u32(out.length, 4);
  padded.copy(out, 8);
  u32(out.length, out.length - 4);
  return out;
}
function words(le: boolean, spec: [number, 2 | 4][]): Buffer {
  const out = Buffer.alloc(spec.reduce((n, [, w]) => n + w, 0));
  let at = 0;
  for (const [v, w] of spec) {
    if (w === 2) out[le ? 'writeUInt16LE' : 'writeUInt16BE'](v, at);
    else out[le ? 'writeUInt32LE' : 'writeUInt32BE'](v, at);
    at += w;
  }
  return out;
}
const shb = (le: boolean) => block(le, 0x0a0d0d0a, Buffer.concat([words(le, [[0x1a2b3c4d, 4], [1, 2], [0, 2]]), Buffer.alloc(8, 0xff)]));
function idb(le: boolean, linkType: number, tsresol?: number): Buffer {
  const options = tsresol === undefined ? Buffer.alloc(0) : Buffer.concat([words(le, [[9, 2], [1, 2]]), Buffer.from([tsresol, 0, 0, 0]), words(le, [[0, 2], [0, 2]])]);
  return block(le, 1, Buffer.concat([words(le, [[linkType, 2], [0, 2], [65535, 4]]), options]));
}
function epb(le: boolean, iface: number, units: bigint, data: Buffer, origLen = data.length): Buffer {
  return block(le, 6, Buffer.concat([words(le, [[iface, 4], [Number(units >> 32n), 4], [Number(units & 0xffffffffn), 4], [data.length, 4], [origLen, 4]]), data]));
}
const spb = (le: boolean, data: Buffer) => block(le, 3, Buffer.concat([words(le, [[data.length, 4]]), data]));
const nameResolution = (le: boolean) => block(le, 4, Buffer.alloc(8));

function parseAll(bytes: Buffer, chunk = bytes.length): CaptureFrame[] {
  const parser = new PcapngParser({ path: 'x.pcapng', maxCaptureLength: 262144, copy: false });
  const out: CaptureFrame[] = [];
  // Feed growing prefixes, as the reader does with chunks.
  let pos = 0;
  for (let end = Math.min(chunk, bytes.length); ; end = Math.min(end + chunk, bytes.length)) {
    pos = parser.parse(bytes, pos, end, 0, out);
    if (end === bytes.length) break;
  }
  expect(pos).toBe(bytes.length);
  return out;
}

describe('PcapngParser', () => {
  it.each([true, false])('reads SHB, IDB, EPB, SPB and skips other blocks (little-endian: %s)', (le) => {
    const a = Buffer.from('frame-a');
    const b = Buffer.from('frame-bb');
    const c = Buffer.from('frame-ccc');
    const bytes = Buffer.concat([shb(le), idb(le, 1), idb(le, 101, 9), nameResolution(le), epb(le, 0, 1_705_312_800_123_456n, a, 1514), epb(le, 1, 1_705_312_800_123_456_789n, b), spb(le, c)]);
    for (const chunk of [7, 64, bytes.length]) {
      const frames = parseAll(bytes, chunk);
      expect(frames.map((f) => [f.index, f.interfaceId, f.linkType, f.tsUs, f.capturedLength, f.originalLength, f.data.toString()])).toEqual([
        [0, 0, 1, 1_705_312_800_123_456, 7, 1514, 'frame-a'],
        [1, 1, 101, 1_705_312_800_123_456, 8, 8, 'frame-bb'],
        [2, 0, 1, 0, 9, 9, 'frame-ccc'],
      ]);
    }
  });

  it.each([true, false])('reads the same frames one at a time into a reused slot (readFrame; little-endian: %s)', (le) => {
    const bytes = Buffer.concat([shb(le), idb(le, 1), nameResolution(le), epb(le, 0, 7n, Buffer.from('one'), 60), idb(le, 113, 9), spb(le, Buffer.from('two')), epb(le, 1, 8_000_000_123n, Buffer.from('three'))]);
    for (const chunk of [5, 40, bytes.length]) {
      const parser = new PcapngParser({ path: 'x.pcapng', maxCaptureLength: 262144, copy: false });
      const slot = emptyFrameSlot();
      const out: CaptureFrameSlot[] = [];
      let pos = 0;
      for (let end = Math.min(chunk, bytes.length); ; end = Math.min(end + chunk, bytes.length)) {
        for (;;) {
          slot.filled = false;
          pos = parser.readFrame(bytes, pos, end, 0, slot);
          if (!slot.filled) break;
          out.push({ ...slot, data: Buffer.from(slot.data) });
        }
        if (end === bytes.length) break;
      }
      expect(pos).toBe(bytes.length);
      expect(out.map(({ filled: _filled, buffer: _buffer, start: _start, end: _end, lazy: _lazy, ...frame }) => frame)).toEqual(parseAll(bytes, chunk));
      expect(out.map((f) => f.data.toString())).toEqual(['one', 'two', 'three']);
    }
  });

  it.each([true, false])('leaves data to a lazy slot (the cursor), the frame at buffer[start, end) (little-endian: %s)', (le) => {
    const bytes = Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 5n, Buffer.from('frame-a'), 1514), spb(le, Buffer.from('frame-bb'))]);
    const parser = new PcapngParser({ path: 'x.pcapng', maxCaptureLength: 262144, copy: false });
    const slot = { ...emptyFrameSlot(), lazy: true };
    const empty = slot.data;
    const seen: string[] = [];
    for (let pos = 0; ; ) {
      slot.filled = false;
      pos = parser.readFrame(bytes, pos, bytes.length, 0, slot);
      if (!slot.filled) break;
      expect(slot.data).toBe(empty);
      expect(slot.buffer).toBe(bytes);
      expect(slot.end - slot.start).toBe(slot.capturedLength);
      seen.push(bytes.toString('latin1', slot.start, slot.end));
    }
    expect(seen).toEqual(['frame-a', 'frame-bb']);
  });

  it('starts a new interface list with each section', () => {
    const bytes = Buffer.concat([shb(true), idb(true, 1), shb(false), idb(false, 113), epb(false, 0, 5n, Buffer.from('x'))]);
    expect(parseAll(bytes).map((f) => f.linkType)).toEqual([113]);
  });

  it.each([
    ['a packet on an undeclared interface', Buffer.concat([shb(true), idb(true, 1), epb(true, 3, 0n, Buffer.from('x'))]), /refers to interface 3 but the section declares 1/],
    ['a block length that is not a multiple of 4', Buffer.concat([shb(true), Buffer.from([1, 0, 0, 0, 13, 0, 0, 0])]), /declares a length of 13 bytes/],
    ['a bad byte-order magic', block(true, 0x0a0d0d0a, Buffer.alloc(16)), /byte-order magic 0x0/],
  ])('rejects %s', (_name, bytes, message) => {
    expect(() => parseAll(bytes)).toThrow(PcapRecordInvalidError);
    expect(() => parseAll(bytes)).toThrow(message);
  });
});
