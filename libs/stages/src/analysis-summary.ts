import type { AnalysisTally, Conversation } from './analysis.tally';
import type { CaptureStats } from './capture.source';

export interface AnalysisSummaryData {
  file: string;
  seconds: number;
  packets: number;
  bytes: number;
  captureSpanSeconds: number;
  flows: number;
  flowsByProto: Record<string, number>;
  flowsByConnState: Record<string, number>;
  topConversations: Conversation[];
  counters: Record<string, number>;
  deadLetters: number;
  /** Fused alerts by detection method, and ML scores by label (non-shadow models). */
  alertsByMethod: Record<string, number>;
  mlLabels: Record<string, number>;
}

/** What a run of `ids analyze` gives its summary: the capture's statistics, the tasks' counters, and the tally of its records. */
export interface AnalysisTotals {
  capture: CaptureStats;
  counters: Record<string, number>;
  deadLetters: number;
  tally: AnalysisTally;
}

/** The end-of-run summary of `ids analyze`, as data and as text. */
export function summarizeAnalysis(file: string, r: AnalysisTotals, seconds: number): { data: AnalysisSummaryData; text: string } {
  const span = r.capture.firstTsUs === null ? 0 : (r.capture.lastTsUs! - r.capture.firstTsUs) / 1e6;
  const top = r.tally.topConversations;
  const data: AnalysisSummaryData = {
    file, seconds, packets: r.capture.frames, bytes: r.capture.bytes, captureSpanSeconds: span,
    flows: r.tally.flows,
    flowsByProto: r.tally.flowsByProto,
    flowsByConnState: r.tally.flowsByConnState,
    topConversations: top,
    counters: r.counters,
    deadLetters: r.deadLetters,
    alertsByMethod: r.tally.alertsByMethod,
    mlLabels: r.tally.mlLabels,
  };
  const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const text = [
    `ids analyze ${file}`,
    `  packets      ${data.packets} (${data.bytes} bytes over ${span.toFixed(3)} s of capture time)`,
    `  flows        ${data.flows} (${kv(data.flowsByProto)})`,
    `  conn_state   ${kv(data.flowsByConnState)}`,
    `  events       ${kv(data.counters)}`,
    `  ml scores    ${kv(data.mlLabels)}`,
    `  alerts       ${r.tally.alerts} (${kv(data.alertsByMethod)})`,
    `  dead letters ${data.deadLetters}`,
    '  top conversations by bytes:',
    ...top.map((t) => `    ${t.proto.padEnd(5)} ${t.orig.padEnd(28)} -> ${t.resp.padEnd(28)} ${String(t.packets).padStart(7)} pkts ${String(t.bytes).padStart(10)} bytes`),
    `  analysed in ${seconds.toFixed(3)} s on the embedded runtime`,
    '',
  ].join('\n');
  return { data, text };
}
