import type { AnalyzeResult } from './analyze.pipeline';

export interface AnalysisSummaryData {
  file: string;
  seconds: number;
  packets: number;
  bytes: number;
  captureSpanSeconds: number;
  flows: number;
  flowsByProto: Record<string, number>;
  flowsByConnState: Record<string, number>;
  topConversations: { orig: string; resp: string; proto: string; packets: number; bytes: number }[];
  counters: Record<string, number>;
  deadLetters: number;
  /** Fused alerts by detection method, and ML scores by label (non-shadow models). */
  alertsByMethod: Record<string, number>;
  mlLabels: Record<string, number>;
}

const sortedCounts = (values: string[]) => {
  const m: Record<string, number> = {};
  for (const v of values) m[v] = (m[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
};

/** The end-of-run summary of `ids analyze`, as data and as text. */
export function summarizeAnalysis(file: string, r: AnalyzeResult, seconds: number): { data: AnalysisSummaryData; text: string } {
  const span = r.capture.firstTsUs === null ? 0 : (r.capture.lastTsUs! - r.capture.firstTsUs) / 1e6;
  const top = [...r.flows]
    .sort((a, b) => (b.orig_wire_bytes + b.resp_wire_bytes) - (a.orig_wire_bytes + a.resp_wire_bytes) || a.uid.localeCompare(b.uid))
    .slice(0, 5)
    .map((f) => ({ orig: `${f.orig_h}:${f.orig_p}`, resp: `${f.resp_h}:${f.resp_p}`, proto: f.proto, packets: f.orig_pkts + f.resp_pkts, bytes: f.orig_wire_bytes + f.resp_wire_bytes }));
  const data: AnalysisSummaryData = {
    file, seconds, packets: r.capture.frames, bytes: r.capture.bytes, captureSpanSeconds: span,
    flows: r.flows.length,
    flowsByProto: sortedCounts(r.flows.map((f) => f.proto)),
    flowsByConnState: sortedCounts(r.flows.map((f) => f.conn_state)),
    topConversations: top,
    counters: r.counters,
    deadLetters: r.deadLetters.length,
    alertsByMethod: sortedCounts(r.alerts.map((a) => a.detection.method)),
    mlLabels: sortedCounts(r.mlScores.filter((m) => !m.shadow).map((m) => `${m.model}:${m.label}`)),
  };
  const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const text = [
    `ids analyze ${file}`,
    `  packets      ${data.packets} (${data.bytes} bytes over ${span.toFixed(3)} s of capture time)`,
    `  flows        ${data.flows} (${kv(data.flowsByProto)})`,
    `  conn_state   ${kv(data.flowsByConnState)}`,
    `  events       ${kv(data.counters)}`,
    `  ml scores    ${kv(data.mlLabels)}`,
    `  alerts       ${r.alerts.length} (${kv(data.alertsByMethod)})`,
    `  dead letters ${data.deadLetters}`,
    '  top conversations by bytes:',
    ...top.map((t) => `    ${t.proto.padEnd(5)} ${t.orig.padEnd(28)} -> ${t.resp.padEnd(28)} ${String(t.packets).padStart(7)} pkts ${String(t.bytes).padStart(10)} bytes`),
    `  analysed in ${seconds.toFixed(3)} s on the embedded runtime`,
    '',
  ].join('\n');
  return { data, text };
}
