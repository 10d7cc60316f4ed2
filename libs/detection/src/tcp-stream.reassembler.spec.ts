import { TCP_FLAGS } from '@ids/packet';
import { AhoCorasickMatcher } from './aho-corasick.matcher';
import { TcpReassemblyOptions, TcpSegment, TcpStreamReassembler, seqDiff } from './tcp-stream.reassembler';

const { SYN, ACK, FIN, RST, PSH } = TCP_FLAGS;
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const seg = (seq: number, payload: string, flags = ACK | PSH, tsUs = 0): TcpSegment =>
  ({ tsUs, seq: seq >>> 0, flags, payload: Uint8Array.from(Buffer.from(payload, 'latin1')) });

/** Feeds client->server segments and returns the delivered stream and the reassembler. */
function feed(segments: TcpSegment[], options?: Partial<TcpReassemblyOptions>): { stream: string; r: TcpStreamReassembler; deliveries: string[] } {
  const r = new TcpStreamReassembler({ maxBufferedBytes: 1024, maxConnectionBufferedBytes: 1536, windowBytes: 8, ...options });
  const deliveries: string[] = [];
  for (const s of segments) {
    const d = r.accept(true, s);
    if (d !== null) deliveries.push(text(d.data));
  }
  return { stream: deliveries.join(''), r, deliveries };
}

describe('TcpStreamReassembler', () => {
  it.each([
    { name: 'in order after SYN', segs: [seg(100, '', SYN), seg(101, 'abc'), seg(104, 'def')], stream: 'abcdef', deliveries: ['abc', 'def'] },
    { name: 'mid-stream start at the first segment', segs: [seg(5000, 'xy'), seg(5002, 'z')], stream: 'xyz', deliveries: ['xy', 'z'] },
    { name: 'out of order is held until the hole fills', segs: [seg(0, '', SYN), seg(4, 'def'), seg(7, 'g'), seg(1, 'abc')], stream: 'abcdefg', deliveries: ['abcdefg'] },
    { name: 'retransmission ignored', segs: [seg(0, '', SYN), seg(1, 'abc'), seg(1, 'abc'), seg(4, 'd')], stream: 'abcd', deliveries: ['abc', 'd'] },
    { name: 'partial overlap with delivered data keeps the first copy', segs: [seg(0, '', SYN), seg(1, 'abc'), seg(2, 'XYde')], stream: 'abcde', deliveries: ['abc', 'de'] },
    { name: 'overlap between buffered segments keeps the first copy', segs: [seg(0, '', SYN), seg(3, 'cd'), seg(4, 'XYZ'), seg(1, 'ab')], stream: 'abcdYZ', deliveries: ['abcdYZ'] },
    { name: 'sequence wrap-around', segs: [seg(0xfffffffd, '', SYN), seg(0xfffffffe, 'ab'), seg(0, 'cd'), seg(2, 'e')], stream: 'abcde', deliveries: ['ab', 'cd', 'e'] },
    { name: 'out of order across the wrap', segs: [seg(0xfffffffe, 'ab'), seg(1, 'd'), seg(0, 'c')], stream: 'abcd', deliveries: ['ab', 'cd'] },
    { name: 'data after FIN is ignored', segs: [seg(0, '', SYN), seg(1, 'ab', ACK | FIN), seg(3, 'zz')], stream: 'ab', deliveries: ['ab'] },
    { name: 'nothing after RST', segs: [seg(0, '', SYN), seg(1, 'ab'), seg(3, '', RST), seg(3, 'cd')], stream: 'ab', deliveries: ['ab'] },
  ])('$name', ({ segs, stream, deliveries }) => {
    const got = feed(segs);
    expect(got.stream).toBe(stream);
    expect(got.deliveries).toEqual(deliveries);
  });

  it.each([
    { name: 'retransmission', segs: [seg(0, '', SYN), seg(1, 'abc'), seg(1, 'abc')], counters: { retransmissions: 1, overlaps: 0 } },
    { name: 'buffered duplicate is a retransmission', segs: [seg(0, '', SYN), seg(5, 'x'), seg(5, 'x')], counters: { retransmissions: 1, outOfOrderSegments: 2 } },
    { name: 'overlap with different bytes', segs: [seg(0, '', SYN), seg(1, 'abc'), seg(2, 'XYde')], counters: { overlaps: 1, overlapMismatchBytes: 2 } },
    { name: 'overlap with the same bytes', segs: [seg(0, '', SYN), seg(1, 'abc'), seg(2, 'bcde')], counters: { overlaps: 1, overlapMismatchBytes: 0 } },
    { name: 'buffered overlap with different bytes', segs: [seg(0, '', SYN), seg(3, 'cd'), seg(4, 'XYZ')], counters: { overlaps: 1, overlapMismatchBytes: 1 } },
    { name: 'after close', segs: [seg(0, '', SYN), seg(1, 'a', ACK | FIN), seg(2, 'b')], counters: { afterCloseSegments: 1 } },
  ])('counts: $name', ({ segs, counters }) => {
    expect(feed(segs).r.counters).toEqual(expect.objectContaining(counters));
  });

  it('drops out-of-order data beyond the per-direction bound, and counts it', () => {
    const { r, stream } = feed([seg(0, '', SYN), seg(10, 'abcdef'), seg(20, 'ghijk'), seg(1, '123456789')], { maxBufferedBytes: 8 });
    expect(r.counters.droppedSegments).toBe(1);
    expect(r.counters.droppedBytes).toBe(5);
    expect(r.bufferedBytes).toBe(0);
    expect(stream).toBe('123456789abcdef');
  });

  it('bounds the buffered bytes of both directions together', () => {
    const r = new TcpStreamReassembler({ maxBufferedBytes: 10, maxConnectionBufferedBytes: 12, windowBytes: 4 });
    r.accept(true, seg(0, '', SYN));
    r.accept(false, seg(500, '', SYN | ACK));
    r.accept(true, seg(10, 'aaaaaaaa'));
    r.accept(false, seg(510, 'bbbbbbbb'));
    expect(r.bufferedBytes).toBe(8);
    expect(r.counters.droppedBytes).toBe(8);
  });

  it('keeps directions apart and reports stream offsets and the window tail', () => {
    const r = new TcpStreamReassembler({ maxBufferedBytes: 64, maxConnectionBufferedBytes: 64, windowBytes: 4 });
    r.accept(true, seg(0, '', SYN));
    r.accept(false, seg(900, '', SYN | ACK));
    const a = r.accept(true, seg(1, 'GET /ev'));
    const b = r.accept(false, seg(901, 'HTTP'));
    const c = r.accept(true, seg(8, 'il HTTP'));
    expect([a?.toServer, text(a!.data), text(a!.tail), a?.offset]).toEqual([true, 'GET /ev', '', 0]);
    expect([b?.toServer, text(b!.data), text(b!.tail)]).toEqual([false, 'HTTP', '']);
    // "evil" is split across segments: tail + data holds it whole.
    expect([text(c!.tail), text(c!.data), c?.offset]).toEqual([' /ev', 'il HTTP', 7]);
    expect(r.deliveredBytes(true)).toBe(14);
  });

  it('lets a prefilter find a pattern split across out-of-order segments by scanning tail + data', () => {
    const m = new AhoCorasickMatcher([{ bytes: Uint8Array.from(Buffer.from('cmd.exe')), nocase: true }]);
    const r = new TcpStreamReassembler({ maxBufferedBytes: 64, maxConnectionBufferedBytes: 64, windowBytes: 16 });
    const found: number[] = [];
    for (const s of [seg(0, '', SYN), seg(1, 'GET /x/CMD'), seg(13, 'xe HTTP/1.1'), seg(11, '.e')]) {
      const d = r.accept(true, s);
      if (d === null) continue;
      const scan = new Uint8Array(d.tail.length + d.data.length);
      scan.set(d.tail);
      scan.set(d.data, d.tail.length);
      // Only matches ending in the new bytes are new: earlier ones were reported before.
      m.scan(scan, (_id, end) => { if (end >= d.tail.length) found.push(d.offset + end - d.tail.length); });
    }
    expect(found).toEqual([13]);
  });

  it('is closed once both FINs are reached, or on RST', () => {
    const r = new TcpStreamReassembler();
    r.accept(true, seg(0, '', SYN));
    r.accept(false, seg(50, '', SYN | ACK));
    r.accept(true, seg(1, 'x', ACK | FIN));
    expect(r.closed).toBe(false);
    r.accept(false, seg(51, '', ACK | FIN));
    expect(r.closed).toBe(true);
    const s = new TcpStreamReassembler();
    s.accept(true, seg(0, '', SYN));
    s.accept(false, seg(7, '', RST));
    expect(s.closed).toBe(true);
  });

  it('waits for the bytes before an early FIN', () => {
    const r = new TcpStreamReassembler();
    r.accept(true, seg(0, '', SYN));
    r.accept(false, seg(50, '', SYN | ACK));
    r.accept(false, seg(51, '', ACK | FIN));
    expect(r.accept(true, seg(3, 'cd', ACK | FIN))).toBeNull();
    expect(r.closed).toBe(false);
    expect(text(r.accept(true, seg(1, 'ab'))!.data)).toBe('abcd');
    expect(r.closed).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])('rebuilds a random stream cut, shuffled and duplicated (seed %i), across the wrap', (seed) => {
    let x = seed * 2654435761 >>> 0;
    const rnd = (): number => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 4294967296; };
    const stream = Uint8Array.from({ length: 3000 }, () => Math.floor(rnd() * 256));
    const isn = 0xffffffff - 1000; // the sequence space wraps inside the stream
    const pieces: TcpSegment[] = [];
    for (let o = 0; o < stream.length;) {
      const len = 1 + Math.floor(rnd() * 200);
      pieces.push({ tsUs: 0, seq: (isn + 1 + o) >>> 0, flags: ACK, payload: stream.subarray(o, o + len) });
      // Overlapping retransmissions carry the same bytes: they must change nothing.
      if (rnd() < 0.3) pieces.push({ tsUs: 0, seq: (isn + 1 + Math.max(0, o - 50)) >>> 0, flags: ACK, payload: stream.subarray(Math.max(0, o - 50), o + len + 30) });
      o += len;
    }
    for (let i = pieces.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [pieces[i], pieces[j]] = [pieces[j], pieces[i]]; }
    const r = new TcpStreamReassembler({ maxBufferedBytes: 1 << 20, maxConnectionBufferedBytes: 1 << 20, windowBytes: 64 });
    r.accept(true, { tsUs: 0, seq: isn, flags: SYN, payload: new Uint8Array(0) });
    const out: number[] = [];
    for (const p of pieces) {
      const d = r.accept(true, p);
      if (d !== null) { expect(d.offset).toBe(out.length); out.push(...d.data); }
    }
    expect(out.length).toBe(stream.length);
    expect(Buffer.from(out).equals(Buffer.from(stream))).toBe(true);
    expect([r.bufferedBytes, r.counters.overlapMismatchBytes]).toEqual([0, 0]);
  });

  it.each([
    { a: 1, b: 0xffffffff, diff: 2 },
    { a: 0xffffffff, b: 1, diff: -2 },
    { a: 100, b: 100, diff: 0 },
  ])('seqDiff($a, $b) = $diff', ({ a, b, diff }) => {
    expect(seqDiff(a, b)).toBe(diff);
  });

  it('without a window: in-order data is the caller\'s bytes (no copy), the tail is empty, held data still joins', () => {
    const r = new TcpStreamReassembler({ maxBufferedBytes: 1024, maxConnectionBufferedBytes: 1536, windowBytes: 0 });
    r.accept(true, seg(0, '', SYN));
    const first = seg(1, 'abc');
    const d1 = r.accept(true, first);
    expect(d1?.data).toBe(first.payload);
    expect([d1?.tail.length, d1?.offset]).toEqual([0, 0]);
    expect(r.accept(true, seg(7, 'gh'))).toBeNull();
    const d2 = r.accept(true, seg(4, 'def'));
    expect([text(d2!.data), d2!.tail.length, d2!.offset]).toEqual(['defgh', 0, 3]);
  });

  it.each([
    ['short segments (the window keeps part of the last one)', 5, [1, 2, 1, 3, 1, 1, 4, 2]],
    ['segments longer than the window', 5, [7, 9, 6, 12]],
    ['mixed lengths around the window', 4, [3, 4, 5, 1, 2, 8, 3, 4, 4]],
    ['a window beyond the loop-copy size (set() path)', 100, [60, 70, 30, 150, 5]],
  ])('gives each delivery the last window bytes before it as its tail: %s', (_what, windowBytes, lengths) => {
    const r = new TcpStreamReassembler({ maxBufferedBytes: 1024, maxConnectionBufferedBytes: 1536, windowBytes });
    let stream = '';
    let seq = 1;
    r.accept(true, seg(0, '', SYN));
    lengths.forEach((n, k) => {
      const payload = Array.from({ length: n }, (_x, i) => String.fromCharCode(97 + ((k * 7 + i) % 26))).join('');
      const d = r.accept(true, seg(seq, payload))!;
      // read before the next call, as the contract says
      expect([text(d.tail), text(d.data), d.offset]).toEqual([stream.slice(Math.max(0, stream.length - windowBytes)), payload, stream.length]);
      stream += payload;
      seq += n;
    });
  });
});

