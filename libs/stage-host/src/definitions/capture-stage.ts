import { Partitioners, type Producer } from 'kafkajs';
import { TOPICS } from '@ids/contracts';
import type { IdsConfig } from '@ids/config';
import { KafkaRecordWriter, TopicFrameSource } from '@ids/kafka';
import type { Logger, StageMetrics } from '@ids/observability';
import { LiveCapture, PcapFileReader, type LiveCaptureStats } from '@ids/pcap';
import { DefragmentingFrameKeyer, runCaptureSource, type CapturedFrame } from '@ids/stages';
import type { RecordWriter } from '@ids/topology';
import type { StageDefinition, StageRunnable } from '../stage-definition';
import { prepareKafka, type KafkaEnvironment } from './kafka-environment';

export class CaptureSourceMissingError extends Error {
  readonly code = 'CAPTURE_SOURCE_MISSING';
  readonly retriable = false;
  constructor() {
    super('the capture app needs one source: IDS_CAPTURE_INTERFACE (an interface to capture from live), IDS_CAPTURE_FILE (a pcap or pcapng file to replay) or IDS_CAPTURE_TOPIC (a topic of packet records to replay)');
    this.name = 'CaptureSourceMissingError';
  }
}

export class CaptureSourceConflictError extends Error {
  readonly code = 'CAPTURE_SOURCE_CONFLICT';
  readonly retriable = false;
  constructor(readonly sources: Record<string, string>) {
    super(`the capture app reads one source: ${Object.entries(sources).map(([name, value]) => `${name}=${value}`).join(' and ')} are all set`);
    this.name = 'CaptureSourceConflictError';
  }
}

export class CaptureTopicIsOutputError extends Error {
  readonly code = 'CAPTURE_TOPIC_IS_OUTPUT';
  readonly retriable = false;
  constructor(readonly topic: string) {
    super(`IDS_CAPTURE_TOPIC=${topic} is the capture's own output topic: replay another topic (an archive or a mirror of it) into it`);
    this.name = 'CaptureTopicIsOutputError';
  }
}

type Deps = { config: IdsConfig; logger: Logger; metrics: StageMetrics };

/** A file or a topic replays into ids.packets.v1 and the app exits; an interface is captured until SIGTERM. */
export const captureStage: StageDefinition = {
  name: 'capture',
  async create(deps): Promise<StageRunnable> {
    const { file, topic, interface: interfaceName } = deps.config.capture;
    const set = Object.fromEntries(Object.entries({ IDS_CAPTURE_FILE: file, IDS_CAPTURE_INTERFACE: interfaceName, IDS_CAPTURE_TOPIC: topic }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if (Object.keys(set).length > 1) throw new CaptureSourceConflictError(set);
    if (interfaceName) return liveCapture(deps, interfaceName);
    if (file) return replay(deps, { name: file, frames: () => new PcapFileReader(file) });
    if (topic) {
      if (topic === TOPICS.packets.name) throw new CaptureTopicIsOutputError(topic);
      return replay(deps, { name: `topic:${topic}`, frames: ({ kafka, serdes }) => new TopicFrameSource(kafka, serdes, topic, { logger: deps.logger }) });
    }
    throw new CaptureSourceMissingError();
  },
};

function packetsProducer(kafka: Awaited<ReturnType<typeof prepareKafka>>['kafka']): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 5 });
}

interface ReplaySource {
  /** The source as logs and capture ids name it: the file, or `topic:<name>`. */
  name: string;
  frames(env: KafkaEnvironment): AsyncIterable<CapturedFrame> & { skippedCount?: number; skipped?: unknown[] };
}

/** A bounded source (a file, a topic up to its end at start) replayed into ids.packets.v1. */
async function replay({ config, logger, metrics }: Deps, source: ReplaySource): Promise<StageRunnable> {
  const env = await prepareKafka(config, logger, []);
  const producer = packetsProducer(env.kafka);
  const frames = metrics.counter('ids_capture_frames_total', 'Frames read from the capture source.');
  let finished: Promise<void> | undefined;
  let reported = 0;
  return {
    start: async () => {
      await producer.connect();
      finished = (async () => {
        const input = source.frames(env);
        const stats = await runCaptureSource(input, new KafkaRecordWriter(producer, env.serdes), {
          captureId: `${source.name}@${config.runtime.instanceId}`,
          interfaceName: source.name,
          keyer: new DefragmentingFrameKeyer(),
          endOfInput: config.capture.endOfInput,
          onProgress: async (n) => { frames.inc(n - reported); reported = n; },
        });
        frames.inc(stats.frames - reported);
        const skipped = input.skippedCount ? { skippedRecords: input.skippedCount, firstSkipped: input.skipped } : {};
        logger.info({ source: source.name, ...stats, ...skipped }, 'capture replayed');
        await producer.disconnect();
      })();
    },
    get done() { return finished; },
    stop: async () => { await producer.disconnect(); },
  };
}

/** How long a captured frame may wait in the Kafka writer's batch on a quiet link. */
const LINGER_MS = 200;
const METRICS_INTERVAL_MS = 1000;
/** With no frame for this long, a watermark at the capture clock's time (the default watermark interval). */
const IDLE_WATERMARK_MS = 1000;

/**
 * Live capture from an interface into ids.packets.v1 until the app is stopped. Frames carry the
 * wall-clock time they were read (cap gives no capture timestamp); watermarks follow that time,
 * and on a quiet link the clock itself (a watermark each second), so open flows still time out.
 * Stopping writes a last watermark but no end-of-input: the traffic goes on, and open flows end
 * by their timeouts when capture resumes.
 */
async function liveCapture({ config, logger, metrics }: Deps, interfaceName: string): Promise<StageRunnable> {
  const { filter, snaplen, bufferMb } = config.capture;
  // Opened first, so that a bad interface or filter fails before any Kafka work; frames queue
  // (bounded, drops counted) until the writer is ready.
  const capture = LiveCapture.open({ interface: interfaceName, filter, snaplen, bufferBytes: bufferMb * 1024 * 1024 });
  let producer: Producer;
  let writer: LingeringWriter;
  try {
    const { kafka, serdes } = await prepareKafka(config, logger, []);
    producer = packetsProducer(kafka);
    writer = new LingeringWriter(new KafkaRecordWriter(producer, serdes), LINGER_MS);
  } catch (error) {
    capture.stop();
    throw error;
  }
  const exported = new CaptureMetrics(metrics);
  const described = { interface: interfaceName, filter: filter ?? '', snaplen, bufferMb, linkType: capture.linkType };
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let finished: Promise<unknown> | undefined;
  let fail: (error: unknown) => void = () => {};
  // Settles only if the capture fails: a live capture has no natural end.
  const failed = new Promise<void>((_resolve, reject) => { fail = reject; });
  failed.catch(() => {});

  return {
    start: async () => {
      await producer.connect();
      logger.info({ ...described, timestamps: 'wall clock at delivery' }, 'live capture started');
      timer = setInterval(() => exported.update(capture.stats()), METRICS_INTERVAL_MS);
      timer.unref();
      finished = runCaptureSource(capture, writer, {
        captureId: `${interfaceName}@${config.runtime.instanceId}`,
        interfaceName,
        keyer: new DefragmentingFrameKeyer(),
        endOfInput: false,
        // A quiet link still moves event time on, so its flows time out.
        idle: { afterMs: IDLE_WATERMARK_MS, nowUs: () => capture.nowUs() },
      }).catch((error: unknown) => {
        capture.stop();
        if (!stopping) {
          logger.error({ ...described, err: error, ...loggable(capture.stats()) }, 'live capture failed');
          fail(error);
        }
        throw error;
      });
      finished.catch(() => {});
    },
    done: failed,
    health: () => ({ source: 'live', ...described, ...loggable(capture.stats()) }),
    stop: async () => {
      stopping = true;
      capture.stop();
      // The frames already queued are written, then a last watermark, then the batch is flushed.
      const result = await finished?.then((s) => s, (error: unknown) => ({ error }));
      clearInterval(timer);
      writer.close();
      const stats = capture.stats();
      exported.update(stats);
      logger.info({ ...described, ...loggable(stats), written: result }, 'live capture stopped');
      await producer.disconnect();
    },
  };
}

/** The statistics beside the interface's name: its counters under their own key. */
function loggable({ interface: interfaceCounters, ...counts }: LiveCaptureStats): Record<string, unknown> {
  return { ...counts, interfaceCounters };
}

/** Capture statistics as Prometheus counters and gauges; `update` exports what changed. */
class CaptureMetrics {
  private readonly received;
  private readonly dropped;
  private readonly truncated;
  private readonly frames;
  private readonly queued;
  private last = { received: 0, truncated: 0, delivered: 0, queue: 0, interface: 0, kernel: 0 };

  constructor(metrics: StageMetrics) {
    this.received = metrics.counter('ids_capture_received_total', 'Frames libpcap delivered from the interface (after the BPF filter).');
    this.dropped = metrics.counter('ids_capture_dropped_total',
      'Frames lost. by="queue": the Kafka writer was behind and the capture queue was full. by="kernel": the kernel capture buffer was full (pcap_stats ps_drop; '
      + 'raise IDS_CAPTURE_BUFFER_MB). by="interface": dropped by the interface and its driver (rx_dropped + rx_missed_errors).', ['by']);
    this.truncated = metrics.counter('ids_capture_truncated_total', 'Frames longer than the snap length, cut.');
    this.frames = metrics.counter('ids_capture_frames_total', 'Frames read from the capture source.');
    this.queued = metrics.gauge('ids_capture_queued_frames', 'Frames captured and waiting for the Kafka writer.');
    // Both series exist from the start, at 0, so that a rate over them is defined.
    for (const by of ['queue', 'kernel', 'interface']) this.dropped.labels(by).inc(0);
  }

  update(s: LiveCaptureStats): void {
    const now = {
      received: s.received,
      truncated: s.truncated,
      delivered: s.delivered,
      queue: s.droppedByQueue,
      interface: s.interface ? s.interface.rxDropped + s.interface.rxMissed : 0,
      kernel: s.kernel?.dropped ?? 0,
    };
    // Counters only go up: an interface whose counters restarted (re-created) adds nothing.
    const inc = (counter: { inc(v: number): void }, delta: number) => { if (delta > 0) counter.inc(delta); };
    inc(this.received, now.received - this.last.received);
    inc(this.truncated, now.truncated - this.last.truncated);
    inc(this.frames, now.delivered - this.last.delivered);
    inc(this.dropped.labels('queue'), now.queue - this.last.queue);
    inc(this.dropped.labels('interface'), now.interface - this.last.interface);
    inc(this.dropped.labels('kernel'), now.kernel - this.last.kernel);
    this.queued.set(s.queued);
    this.last = now;
  }
}

/**
 * A RecordWriter that also flushes on a timer: KafkaRecordWriter sends when its batch is full,
 * which on a quiet link could hold frames for minutes. Operations run one at a time, in order,
 * so a timed flush never overlaps a write.
 */
class LingeringWriter implements RecordWriter {
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;
  private failure: unknown = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly inner: RecordWriter, lingerMs: number) {
    this.timer = setInterval(() => {
      if (this.dirty) this.flush().catch((error: unknown) => { this.failure ??= error; });
    }, lingerMs);
    this.timer.unref();
  }

  write(topic: string, partition: number, record: Parameters<RecordWriter['write']>[2]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.dirty = true;
    return this.serially(() => this.inner.write(topic, partition, record));
  }

  flush(): Promise<void> {
    this.dirty = false;
    return this.serially(() => this.inner.flush());
  }

  close(): void {
    clearInterval(this.timer);
  }

  private serially(op: () => void | Promise<void>): Promise<void> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => {});
    return next;
  }
}
