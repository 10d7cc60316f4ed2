import { Partitioners } from 'kafkajs';
import { PcapFileReader } from '@ids/pcap';
import { KafkaRecordWriter } from '@ids/kafka';
import { flowKeyOfFrame, runCaptureSource } from '@ids/stages';
import type { StageDefinition, StageRunnable } from '../stage-definition';
import { prepareKafka } from './kafka-environment';

export class CaptureSourceMissingError extends Error {
  readonly code = 'CAPTURE_SOURCE_MISSING';
  readonly retriable = false;
  constructor() {
    super('the capture app needs IDS_CAPTURE_FILE (a pcap or pcapng file to replay); live capture from an interface is not done yet');
    this.name = 'CaptureSourceMissingError';
  }
}

/** Replays a capture file into ids.packets.v1, then exits. */
export const captureStage: StageDefinition = {
  name: 'capture',
  async create({ config, logger, metrics }): Promise<StageRunnable> {
    const file = config.capture.file;
    if (!file) throw new CaptureSourceMissingError();
    const { kafka, serdes } = await prepareKafka(config, logger, []);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 5 });
    const frames = metrics.counter('ids_capture_frames_total', 'Frames read from the capture source.');
    let finished: Promise<void> | undefined;
    let reported = 0;
    return {
      start: async () => {
        await producer.connect();
        finished = (async () => {
          const stats = await runCaptureSource(new PcapFileReader(file), new KafkaRecordWriter(producer, serdes), {
            captureId: `${file}@${config.runtime.instanceId}`,
            interfaceName: file,
            keyOf: flowKeyOfFrame,
            endOfInput: config.capture.endOfInput,
            onProgress: async (n) => { frames.inc(n - reported); reported = n; },
          });
          frames.inc(stats.frames - reported);
          logger.info({ file, ...stats }, 'capture file replayed');
          await producer.disconnect();
        })();
      },
      get done() { return finished; },
      stop: async () => { await producer.disconnect(); },
    };
  },
};
