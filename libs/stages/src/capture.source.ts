import { TOPICS, type PacketRecord } from '@ids/contracts';
import { endOfInput, partitionForKey, watermark, type RecordWriter } from '@ids/topology';
import type { FrameKeyer } from './frame-key';

/** One frame as a capture reader yields it. */
export interface CapturedFrame {
  tsUs: number;
  originalLength: number;
  linkType: number;
  data: Buffer;
}

export interface CaptureSourceOptions {
  captureId: string;
  interfaceName: string;
  partitions?: number;
  /** Keys each frame by flow (null for ARP, undecodable), holding IP fragments until they complete. */
  keyer: FrameKeyer;
  /** Event time between two watermarks written to every partition. */
  watermarkIntervalUs?: number;
  /** Called after this many frames so the caller can let the topology drain (back-pressure). */
  onProgress?: (frames: number) => Promise<void>;
  progressEvery?: number;
  /** Write end-of-input markers when the frames end (default true), for the round `captureId`. */
  endOfInput?: boolean;
  /**
   * For a source whose frames are stamped with a clock at read time (live capture): when no frame
   * has come for `afterMs`, a watermark at `nowUs()`, so that flows on a quiet link still time
   * out. `nowUs` must be a time no later frame can be stamped before.
   */
  idle?: { afterMs: number; nowUs: () => number };
}

export interface CaptureStats {
  frames: number;
  bytes: number;
  unkeyed: number;
  /** Frames read that were fragments held for reassembly (their datagram is written once whole). */
  heldFragments: number;
  /** The keyer's counters (fragment reassembly by outcome). */
  reassembly: Record<string, number>;
  firstTsUs: number | null;
  lastTsUs: number | null;
}

/**
 * Writes frames to `ids.packets.v1`, keyed and partitioned by flow, and event-time markers to
 * every partition: a watermark each `watermarkIntervalUs` of capture time, and end-of-input when
 * the capture ends (or only a last watermark, for one file of a rotated series). Frames without a flow key go to partition 0.
 */
export async function runCaptureSource(frames: AsyncIterable<CapturedFrame>, writer: RecordWriter, o: CaptureSourceOptions): Promise<CaptureStats> {
  const topic = TOPICS.packets.name;
  const partitions = o.partitions ?? TOPICS.packets.partitions;
  const interval = o.watermarkIntervalUs ?? 1_000_000;
  const every = o.progressEvery ?? 8192;
  const stats: CaptureStats = { frames: 0, bytes: 0, unkeyed: 0, heldFragments: 0, reassembly: {}, firstTsUs: null, lastTsUs: null };
  let maxTs = Number.NEGATIVE_INFINITY;
  let nextWatermark = Number.NEGATIVE_INFINITY;
  const broadcast = async (record: ReturnType<typeof watermark>) => {
    for (let p = 0; p < partitions; p++) await writer.write(topic, p, record);
  };
  const idle = o.idle;
  const onIdle = idle && (async () => {
    const now = idle.nowUs();
    if (now <= maxTs) return;
    maxTs = now;
    nextWatermark = maxTs + interval;
    await broadcast(watermark(maxTs));
  });
  for await (const read of onIdle ? withIdleTicks(frames, idle.afterMs, onIdle) : frames) {
    const keyed = o.keyer.accept(read);
    if (keyed === null) {
      stats.heldFragments++;
    } else {
      const { frame, key } = keyed;
      if (key === null) stats.unkeyed++;
      const value: PacketRecord = {
        ts_us: frame.tsUs, capture_id: o.captureId, seq: stats.frames, interface: o.interfaceName,
        link_type: frame.linkType, original_length: frame.originalLength, data: frame.data,
      };
      await writer.write(topic, key === null ? 0 : partitionForKey(key, partitions), { key, value, timestampUs: frame.tsUs });
    }
    const frame = read;
    stats.frames++;
    stats.bytes += frame.originalLength;
    stats.firstTsUs ??= frame.tsUs;
    stats.lastTsUs = frame.tsUs;
    // Capture time only moves forward for watermarks: a frame stamped earlier than one before it
    // (clock steps, merged files) is still delivered, as a late record.
    if (frame.tsUs > maxTs) maxTs = frame.tsUs;
    if (nextWatermark === Number.NEGATIVE_INFINITY) nextWatermark = maxTs + interval;
    if (maxTs >= nextWatermark) {
      await broadcast(watermark(maxTs));
      nextWatermark = maxTs + interval;
    }
    if (o.onProgress && stats.frames % every === 0) {
      await writer.flush();
      await o.onProgress(stats.frames);
    }
  }
  stats.reassembly = { ...o.keyer.counters };
  if (o.endOfInput ?? true) await broadcast(endOfInput(Number.isFinite(maxTs) ? maxTs : 0, { round: o.captureId }));
  else if (Number.isFinite(maxTs)) await broadcast(watermark(maxTs));
  await writer.flush();
  return stats;
}

/**
 * The frames of `source`, calling `onIdle` each time none has come for `afterMs`. A frame that
 * arrives while the timer is due wins: the race settles in the frame's own turn of the event loop.
 */
async function* withIdleTicks<T>(source: AsyncIterable<T>, afterMs: number, onIdle: () => Promise<void>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let waiting = false;
  try {
    for (;;) {
      const pending = it.next();
      waiting = true;
      let next: IteratorResult<T> | 'idle';
      do {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<'idle'>((resolve) => { timer = setTimeout(() => resolve('idle'), afterMs); });
        next = await Promise.race([pending, tick]);
        clearTimeout(timer);
        if (next === 'idle') await onIdle();
      } while (next === 'idle');
      waiting = false;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited while a read is pending: the source's return() would queue behind that read,
    // which on a quiet link may never come (the caller stops the source on failure).
    const closing = it.return?.();
    if (!waiting) await closing;
    else closing?.catch(() => {});
  }
}
