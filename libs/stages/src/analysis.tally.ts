import type { AlertRecord, FlowRecord, MlScoreRecord } from '@ids/contracts';

export interface Conversation {
  orig: string;
  resp: string;
  proto: string;
  packets: number;
  bytes: number;
}

/** Conversations the summary lists. */
const TOP = 5;

/**
 * The figures of `ids analyze`'s summary, gathered as the records stream past, so a run keeps no
 * record it does not write: its memory grows with the number of protocols, states, methods and
 * labels seen, not with the capture.
 */
export class AnalysisTally {
  flows = 0;
  alerts = 0;
  private readonly protos = new Map<string, number>();
  private readonly connStates = new Map<string, number>();
  private readonly methods = new Map<string, number>();
  private readonly labels = new Map<string, number>();
  /** The largest flows so far by wire bytes, then uid: at most TOP, in that order. */
  private readonly top: { bytes: number; uid: string; flow: FlowRecord }[] = [];

  addFlows(flows: readonly FlowRecord[]): void {
    for (const f of flows) {
      this.flows++;
      count(this.protos, f.proto);
      count(this.connStates, f.conn_state);
      this.offerTop(f);
    }
  }

  /** Scores of shadow models are left out: they decide nothing. */
  addScores(scores: readonly MlScoreRecord[]): void {
    for (const s of scores) if (!s.shadow) count(this.labels, `${s.model}:${s.label}`);
  }

  addAlerts(alerts: readonly AlertRecord[]): void {
    for (const a of alerts) {
      this.alerts++;
      count(this.methods, a.detection.method);
    }
  }

  get flowsByProto(): Record<string, number> { return sortedCounts(this.protos); }
  get flowsByConnState(): Record<string, number> { return sortedCounts(this.connStates); }
  get alertsByMethod(): Record<string, number> { return sortedCounts(this.methods); }
  /** Non-shadow ML scores by `model:label`. */
  get mlLabels(): Record<string, number> { return sortedCounts(this.labels); }

  /** The largest conversations by wire bytes (ties by uid). */
  get topConversations(): Conversation[] {
    return this.top.map(({ flow: f, bytes }) => ({ orig: `${f.orig_h}:${f.orig_p}`, resp: `${f.resp_h}:${f.resp_p}`, proto: f.proto, packets: f.orig_pkts + f.resp_pkts, bytes }));
  }

  private offerTop(flow: FlowRecord): void {
    const bytes = flow.orig_wire_bytes + flow.resp_wire_bytes;
    const top = this.top;
    let at = top.length;
    while (at > 0 && before(bytes, flow.uid, top[at - 1])) at--;
    if (at >= TOP) return;
    top.splice(at, 0, { bytes, uid: flow.uid, flow });
    if (top.length > TOP) top.pop();
  }
}

function before(bytes: number, uid: string, other: { bytes: number; uid: string }): boolean {
  return bytes > other.bytes || (bytes === other.bytes && uid.localeCompare(other.uid) < 0);
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Most frequent first, ties by name. */
function sortedCounts(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
