import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapDevice } from 'cap';
import { LiveCapture, type CapBinding, type CapHandle, type LiveFrame } from './live-capture';
import {
  CaptureFilterInvalidError,
  CaptureInterfaceDownError,
  CaptureInterfaceUnknownError,
  CaptureOptionInvalidError,
  CapturePermissionError,
  LiveCaptureError,
} from './live-capture.error';

// A stand-in for `cap` that behaves as its binding does: `open` keeps the one buffer it is given
// and throws libpcap's message on failure; `emit` copies a frame into that buffer (cut to its
// length, with the truncated flag) and fires `packet` synchronously.
class FakeCap implements CapHandle {
  buffer: Buffer = Buffer.alloc(0);
  opened: { device: string; filter: string; bufSize: number } | null = null;
  closes = 0;
  private listener: ((n: number, t: boolean) => void) | null = null;
  stats?: () => { received: number; dropped: number; ifdropped: number };
  constructor(private readonly behaviour: FakeBehaviour) {
    // as the patched cap: pcap_stats on the open handle, an error once it is closed
    const pcapStats = behaviour.pcapStats;
    if (pcapStats) {
      this.stats = () => {
        if (this.closes > 0) throw new Error('Not currently capturing/open');
        return pcapStats();
      };
    }
  }

  open(device: string, filter: string, bufSize: number, buffer: Buffer): string {
    const failure = this.behaviour.fail?.(device, filter);
    if (failure) throw new Error(failure);
    this.opened = { device, filter, bufSize };
    this.buffer = buffer;
    return this.behaviour.linkType ?? 'ETHERNET';
  }

  close(): boolean {
    this.closes++;
    return true;
  }

  on(_event: 'packet', listener: (n: number, t: boolean) => void): this {
    this.listener = listener;
    return this;
  }

  emit(frame: Buffer): void {
    const n = Math.min(frame.length, this.buffer.length);
    frame.copy(this.buffer, 0, 0, n);
    this.listener?.(n, frame.length > this.buffer.length);
  }
}

interface FakeBehaviour {
  devices?: string[];
  linkType?: string;
  fail?: (device: string, filter: string) => string | undefined;
  /** pcap_stats of the handle; absent: a cap without the stats patch. */
  pcapStats?: () => { received: number; dropped: number; ifdropped: number };
}

function fakeBinding(behaviour: FakeBehaviour = {}): CapBinding & { handles: FakeCap[] } {
  const handles: FakeCap[] = [];
  return {
    handles,
    deviceList: () => (behaviour.devices ?? ['eth0', 'lo']).map((name): CapDevice => ({ name, addresses: [] })),
    create: () => {
      const h = new FakeCap(behaviour);
      handles.push(h);
      return h;
    },
  };
}

/** Ethernet + IPv4 + UDP with `payload` bytes: 42 + payload bytes on the wire. */
function udpFrame(payload: number, marker = 0): Buffer {
  const frame = Buffer.alloc(42 + payload, marker);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(28 + payload, 16);
  frame[23] = 17;
  return frame;
}

let clock = 1_700_000_000_000_000;
const clockUs = () => clock;

async function take(capture: AsyncIterable<LiveFrame>, n: number): Promise<LiveFrame[]> {
  const out: LiveFrame[] = [];
  if (n === 0) return out;
  for await (const frame of capture) {
    out.push(frame);
    if (out.length === n) break;
  }
  return out;
}

describe('LiveCapture', () => {
  it('opens the interface with the filter, the snap length as its buffer and the kernel buffer size', () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', filter: 'udp', snaplen: 200, bufferBytes: 4 << 20, binding });
    const real = binding.handles.at(-1)!;
    expect(real.opened).toEqual({ device: 'eth0', filter: 'udp', bufSize: 4 << 20 });
    expect(real.buffer.length).toBe(200);
    expect(capture.linkType).toBe(1);
    // The filter was first compiled on a probe with a small buffer, which was closed.
    expect(binding.handles).toHaveLength(2);
    expect(binding.handles[0].opened?.bufSize).toBeLessThan(4 << 20);
    expect(binding.handles[0].closes).toBe(1);
    capture.stop();
  });

  it.each([
    ['ETHERNET', 1], ['RAW', 101], ['NULL', 0], ['LINKTYPE_LINUX_SLL', 113], ['IEEE802_11_RADIO', 127], ['Unknown linktype 12', 101], ['Unknown linktype 276', 276],
  ])('maps cap link type %s to LINKTYPE %d', (name, value) => {
    const capture = LiveCapture.open({ interface: 'eth0', binding: fakeBinding({ linkType: name }) });
    expect(capture.linkType).toBe(value);
    capture.stop();
  });

  it('copies each frame out of cap\'s single buffer, stamped with the wall clock at delivery', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', binding, clockUs });
    const cap = binding.handles[0];
    clock += 10;
    cap.emit(udpFrame(10, 0xaa));
    clock += 5;
    cap.emit(udpFrame(20, 0xbb));
    const [a, b] = await take(capture, 2);
    expect(a).toMatchObject({ index: 0, capturedLength: 52, originalLength: 52, truncated: false, linkType: 1 });
    expect(b).toMatchObject({ index: 1, capturedLength: 62, originalLength: 62 });
    expect(a.data.equals(udpFrame(10, 0xaa))).toBe(true);
    expect(b.data.equals(udpFrame(20, 0xbb))).toBe(true);
    expect(b.tsUs - a.tsUs).toBe(5);
  });

  it('keeps time from going backwards when the wall clock steps back', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', binding, clockUs });
    binding.handles[0].emit(udpFrame(1));
    clock -= 1_000_000;
    binding.handles[0].emit(udpFrame(1));
    const [a, b] = await take(capture, 2);
    expect(b.tsUs).toBe(a.tsUs);
  });

  it('counts a frame longer than the snap length as truncated and recovers its wire length from the IP header', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', snaplen: 64, binding });
    binding.handles[0].emit(udpFrame(200));
    binding.handles[0].emit(udpFrame(10));
    const [cut, whole] = await take(capture, 2);
    expect(cut).toMatchObject({ capturedLength: 64, originalLength: 242, truncated: true });
    expect(cut.data).toHaveLength(64);
    expect(whole).toMatchObject({ capturedLength: 52, originalLength: 52, truncated: false });
    expect(capture.stats()).toMatchObject({ received: 2, truncated: 1, bytes: 242 + 52 });
  });

  it('drops and counts frames beyond the queue bound while the consumer is behind', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', maxQueueFrames: 3, binding });
    for (let i = 0; i < 5; i++) binding.handles[0].emit(udpFrame(10, i));
    expect(capture.stats()).toMatchObject({ received: 5, droppedByQueue: 2, queued: 3, delivered: 0 });
    const frames = await take(capture, 3);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(frames.map((f) => f.data[0])).toEqual([0, 1, 2]);
    const s = capture.stats();
    expect(s.received).toBe(s.delivered + s.droppedByQueue + s.queued);
  });

  it('bounds the queue by bytes too', () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', snaplen: 100, maxQueueBytes: 150, binding });
    for (let i = 0; i < 3; i++) binding.handles[0].emit(udpFrame(58)); // 100 bytes each
    expect(capture.stats()).toMatchObject({ received: 3, queued: 1, droppedByQueue: 2 });
    capture.stop();
  });

  it('hands a waiting consumer the next frame, and stop() ends the iteration after the queued frames', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', binding });
    const seen: number[] = [];
    const reading = (async () => { for await (const f of capture) seen.push(f.index); })();
    await new Promise((r) => setImmediate(r));
    binding.handles[0].emit(udpFrame(1));
    binding.handles[0].emit(udpFrame(1));
    capture.stop();
    binding.handles[0].emit(udpFrame(1)); // after stop: ignored
    await reading;
    expect(seen).toEqual([0, 1]);
    expect(binding.handles[0].closes).toBe(1);
    expect(capture.stats()).toMatchObject({ received: 2, delivered: 2, queued: 0 });
  });

  it('reads in batches', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', binding });
    for (let i = 0; i < 5; i++) binding.handles[0].emit(udpFrame(1));
    capture.stop();
    const sizes: number[] = [];
    for await (const batch of capture.batches(2)) sizes.push(batch.length);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('closes the handle when the consumer stops reading early', async () => {
    const binding = fakeBinding();
    const capture = LiveCapture.open({ interface: 'eth0', binding });
    binding.handles[0].emit(udpFrame(1));
    await take(capture, 1);
    expect(capture.stopped).toBe(true);
    expect(binding.handles[0].closes).toBe(1);
  });

  it('reports the interface counters since the capture opened', () => {
    const root = mkdtempSync(join(tmpdir(), 'ids-sysfs-'));
    const dir = join(root, 'eth0', 'statistics');
    mkdirSync(dir, { recursive: true });
    const set = (p: number, d: number, m: number) => {
      writeFileSync(join(dir, 'rx_packets'), `${p}\n`);
      writeFileSync(join(dir, 'rx_dropped'), `${d}\n`);
      writeFileSync(join(dir, 'rx_missed_errors'), `${m}\n`);
    };
    set(1000, 7, 1);
    const capture = LiveCapture.open({ interface: 'eth0', binding: fakeBinding(), sysfsRoot: root });
    set(1025, 9, 1);
    expect(capture.stats().interface).toEqual({ rxPackets: 25, rxDropped: 2, rxMissed: 0 });
    capture.stop();
    const any = LiveCapture.open({ interface: 'lo', binding: fakeBinding(), sysfsRoot: root });
    expect(any.stats().interface).toBeNull();
    any.stop();
  });

  it('reports libpcap\'s counters (pcap_stats), and after stop the last ones read before the handle closed', () => {
    let k = { received: 10, dropped: 0, ifdropped: 0 };
    const capture = LiveCapture.open({ interface: 'eth0', binding: fakeBinding({ pcapStats: () => k }) });
    expect(capture.stats().kernel).toEqual({ received: 10, dropped: 0, interfaceDropped: 0 });
    k = { received: 250, dropped: 40, ifdropped: 3 };
    capture.stop();
    k = { received: 999, dropped: 999, ifdropped: 999 };
    expect(capture.stats().kernel).toEqual({ received: 250, dropped: 40, interfaceDropped: 3 });
  });

  it.each([
    { name: 'a cap without pcap_stats', behaviour: {} },
    { name: 'pcap_stats failing', behaviour: { pcapStats: (): never => { throw new Error('statistics not available'); } } },
  ])('has no kernel counters with $name', ({ behaviour }) => {
    const capture = LiveCapture.open({ interface: 'eth0', binding: fakeBinding(behaviour) });
    expect(capture.stats().kernel).toBeNull();
    capture.stop();
    expect(capture.stats().kernel).toBeNull();
  });

  it('lists the interfaces libpcap knows', () => {
    const binding: CapBinding = {
      deviceList: () => [{ name: 'lo', addresses: [{ addr: '127.0.0.1' }], flags: 'PCAP_IF_LOOPBACK' }, { name: 'any', description: 'Pseudo-device', addresses: [] }],
      create: () => { throw new Error('not used'); },
    };
    expect(LiveCapture.listInterfaces(binding)).toEqual([
      { name: 'lo', description: null, addresses: ['127.0.0.1'], loopback: true },
      { name: 'any', description: 'Pseudo-device', addresses: [], loopback: false },
    ]);
  });

  describe('errors', () => {
    const openError = (options: Parameters<typeof LiveCapture.open>[0]): LiveCaptureError => {
      try {
        LiveCapture.open(options).stop();
      } catch (error) {
        return error as LiveCaptureError;
      }
      throw new Error('expected open to fail');
    };

    it('an unknown interface names the known ones, and nothing is opened', () => {
      const binding = fakeBinding({ devices: ['eth0', 'lo', 'any'] });
      const e = openError({ interface: 'eth9', binding });
      expect(e).toBeInstanceOf(CaptureInterfaceUnknownError);
      expect(e).toMatchObject({ code: 'CAPTURE_INTERFACE_UNKNOWN', retriable: false, interfaceName: 'eth9', known: ['eth0', 'lo', 'any'] });
      expect(e.message).toBe("unknown capture interface 'eth9' (known: eth0, lo, any)");
      expect(binding.handles).toHaveLength(0);
    });

    it('a filter that does not compile names the filter and libpcap\'s reason; failed handles are never closed', () => {
      const binding = fakeBinding({ fail: (_d, f) => (f === 'tcp port' ? "can't parse filter expression: syntax error" : undefined) });
      const e = openError({ interface: 'eth0', filter: 'tcp port', binding });
      expect(e).toBeInstanceOf(CaptureFilterInvalidError);
      expect(e).toMatchObject({ code: 'CAPTURE_FILTER_INVALID', filter: 'tcp port' });
      expect(e.message).toBe("bad capture filter 'tcp port' on eth0: can't parse filter expression: syntax error");
      // cap aborts the process if a handle whose open failed is freed: it must not be touched.
      const failed = binding.handles.find((h) => h.opened === null)!;
      expect(failed.closes).toBe(0);
      expect(binding.handles.filter((h) => h.opened !== null).every((h) => h.closes === 1)).toBe(true);
    });

    it.each([
      ['socket: Operation not permitted', 'tcp', CapturePermissionError, 'CAPTURE_PERMISSION_DENIED'],
      ['socket: Operation not permitted', '', CapturePermissionError, 'CAPTURE_PERMISSION_DENIED'],
      ['That device is not up', 'icmp', CaptureInterfaceDownError, 'CAPTURE_INTERFACE_DOWN'],
    ])('libpcap\'s "%s" (filter %j) is a %p', (message, filter, type, code) => {
      const e = openError({ interface: 'eth0', filter, binding: fakeBinding({ fail: () => message }) });
      expect(e).toBeInstanceOf(type);
      expect(e.code).toBe(code);
      expect(e.message).toContain(message);
    });

    it('says how to get the permission', () => {
      const e = openError({ interface: 'eth0', binding: fakeBinding({ fail: () => 'socket: Operation not permitted' }) });
      expect(e.message).toMatch(/run as root, or give node CAP_NET_RAW and CAP_NET_ADMIN/);
    });

    it.each([
      ['snaplen', 0], ['snaplen', 65536], ['snaplen', 1.5], ['bufferBytes', 2 ** 31], ['maxQueueFrames', 0],
    ])('rejects %s=%p', (option, value) => {
      const e = openError({ interface: 'eth0', [option]: value, binding: fakeBinding() });
      expect(e).toBeInstanceOf(CaptureOptionInvalidError);
      expect(e.message).toContain(`${option}=${value}`);
    });
  });
});
