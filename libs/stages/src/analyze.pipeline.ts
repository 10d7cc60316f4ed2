import { ALL_TOPICS, type DeadLetterRecord, type FlowRecord } from '@ids/contracts';
import { PcapFileReader } from '@ids/pcap';
import { EmbeddedRuntime, InMemoryLog } from '@ids/topology';
import { runCaptureSource, type CaptureStats } from './capture.source';
import { flowKeyOfFrame } from './frame-key';
import { flowsTopology, type FlowsStageOptions } from './flows.stage';
import { sinkTopology } from './sink.stage';
import type { FlowSinkPort } from './flow-sink.port';

export interface AnalyzeOptions {
  flows?: FlowsStageOptions;
  /** Receives flows as the sink stage writes them; by default they are collected in memory. */
  flowSink?: FlowSinkPort;
  /** Frames read between two drains of the topology: bounds the memory the log holds. */
  drainEvery?: number;
}

export interface AnalyzeResult {
  capture: CaptureStats;
  flows: FlowRecord[];
  /** Counted events by stage and reason (decoder errors, skipped records). */
  counters: Record<string, number>;
  deadLetters: DeadLetterRecord[];
}

/**
 * `ids analyze`: the capture → flows → sink topology on the embedded runtime, over a capture
 * file, with no Kafka, registry or ClickHouse. The topologies are the ones the Kafka runtime runs.
 */
export async function analyzeCapture(path: string, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const log = new InMemoryLog();
  for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const flows: FlowRecord[] = [];
  const sink: FlowSinkPort = options.flowSink ?? { writeFlows: async (batch) => { flows.push(...batch); } };
  const deadLetters: DeadLetterRecord[] = [];
  const runtime = new EmbeddedRuntime(log, [flowsTopology(options.flows), sinkTopology(sink)], { onDeadLetter: (l) => deadLetters.push(l) });
  runtime.start();
  try {
    const capture = await runCaptureSource(new PcapFileReader(path), runtime.writer, {
      captureId: path,
      interfaceName: path,
      keyOf: flowKeyOfFrame,
      progressEvery: options.drainEvery ?? 8192,
      onProgress: () => runtime.runUntilIdle(),
    });
    await runtime.runUntilIdle();
    return { capture, flows, counters: Object.fromEntries(runtime.taskCounters()), deadLetters };
  } finally {
    await runtime.close();
  }
}
