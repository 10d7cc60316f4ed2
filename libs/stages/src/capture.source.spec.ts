import { TOPICS } from '@ids/contracts';
import type { RecordWriter } from '@ids/topology';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../../test/fixtures/frame.builder';
import { runCaptureSource, type CapturedFrame } from './capture.source';
import { DefragmentingFrameKeyer } from './frame-key';

type Written = Parameters<RecordWriter['write']>[2] & { partition: number };

class CollectingWriter implements RecordWriter {
  readonly records: Written[] = [];
  write(topic: string, partition: number, record: Parameters<RecordWriter['write']>[2]): void {
    expect(topic).toBe(TOPICS.packets.name);
    this.records.push({ ...record, partition });
  }
  async flush(): Promise<void> {}
  /** Frames (whatever their partition) and the markers of partition 0, in order. */
  partitionZero(): string[] {
    return this.records.filter((r) => r.partition === 0 || !r.control).map((r) => (r.control ? `${r.control.kind}@${r.timestampUs}` : `frame@${r.timestampUs}`));
  }
}

const frameAt = (tsUs: number): CapturedFrame => {
  const data = ethernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }, ETHERTYPE_IPV4,
    udpPacket({ src: '10.0.0.1', dst: '10.0.0.2' }, { srcPort: 5000, dstPort: 53 }, Buffer.alloc(8)));
  return { tsUs, originalLength: data.length, linkType: 1, data };
};

/** A live-like source: frames are released by the test, and the source waits in between. */
class GatedSource implements AsyncIterable<CapturedFrame> {
  private readonly queue: (CapturedFrame | 'end')[] = [];
  private wake: (() => void) | null = null;
  returned = false;
  push(item: CapturedFrame | 'end'): void {
    this.queue.push(item);
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<CapturedFrame> {
    try {
      for (;;) {
        const item = this.queue.shift();
        if (item === 'end') return;
        if (item) yield item;
        else await new Promise<void>((resolve) => { this.wake = resolve; });
      }
    } finally {
      this.returned = true;
    }
  }
}

const options = { captureId: 'test', interfaceName: 'test', partitions: 3, endOfInput: false };
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};

describe('runCaptureSource on a quiet source', () => {
  it('writes a watermark at the clock time to every partition while no frame comes', async () => {
    const source = new GatedSource();
    const writer = new CollectingWriter();
    let clock = 5_000_000;
    const run = runCaptureSource(source, writer, { ...options, keyer: new DefragmentingFrameKeyer(), idle: { afterMs: 10, nowUs: () => clock } });
    source.push(frameAt(1_000_000));
    await until(() => writer.partitionZero().includes('watermark@5000000'));
    expect(writer.records.filter((r) => r.control?.kind === 'watermark' && r.timestampUs === 5_000_000).map((r) => r.partition).sort()).toEqual([0, 1, 2]);
    clock = 7_000_000;
    await until(() => writer.partitionZero().includes('watermark@7000000'));
    source.push(frameAt(7_000_001));
    source.push('end');
    await run;
    // The frame before the quiet period, the clock's watermarks (each once, though the timer fires
    // again and again), the later frame, and at the end (no end-of-input for a live source) a
    // last watermark at the newest time.
    expect(writer.partitionZero()).toEqual(['frame@1000000', 'watermark@5000000', 'watermark@7000000', 'frame@7000001', 'watermark@7000001']);
  });

  it('writes no watermark when the clock is not past the newest frame', async () => {
    const source = new GatedSource();
    const writer = new CollectingWriter();
    const run = runCaptureSource(source, writer, { ...options, keyer: new DefragmentingFrameKeyer(), idle: { afterMs: 5, nowUs: () => 2_000_000 } });
    source.push(frameAt(3_000_000));
    await new Promise((r) => setTimeout(r, 60));
    source.push('end');
    await run;
    expect(writer.partitionZero().filter((e) => e.startsWith('watermark'))).toEqual(['watermark@3000000']);
  });

  it('without the idle option, writes only what the frames say', async () => {
    const source = new GatedSource();
    const writer = new CollectingWriter();
    const run = runCaptureSource(source, writer, { ...options, keyer: new DefragmentingFrameKeyer() });
    source.push(frameAt(1_000_000));
    await new Promise((r) => setTimeout(r, 30));
    source.push('end');
    await run;
    expect(writer.partitionZero()).toEqual(['frame@1000000', 'watermark@1000000']);
  });

  it('closes the source when writing fails, even while a read is pending', async () => {
    const source = new GatedSource();
    const failing: RecordWriter = { write: (_t, _p, r) => { if (r.control) throw new Error('broker gone'); }, flush: async () => {} };
    const run = runCaptureSource(source, failing, { ...options, keyer: new DefragmentingFrameKeyer(), idle: { afterMs: 5, nowUs: () => 9_000_000 } });
    source.push(frameAt(1_000_000));
    await expect(run).rejects.toThrow('broker gone');
    // The pending read ends when the source is stopped (the live stage stops the capture on failure).
    source.push('end');
    await until(() => source.returned);
  });
});
