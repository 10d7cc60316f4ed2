import { TOPICS, type FlowRecord, type PacketRecord } from '@ids/contracts';
import { FlowTable, type FlowOptions, type FlowState } from '@ids/flow';
import { DECODE_FAILURE_KIND, decodePacketInto, PacketView } from '@ids/packet';
import { TopologyBuilder, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

export const FLOW_TABLE_STORE = 'flow-table';

/** Stage-level overrides of the flow timeouts (seconds); unset keeps libs/flow's defaults. */
export interface FlowsStageOptions {
  idleTimeoutS?: number;
  activeTimeoutS?: number;
}

export function toFlowOptions(o: FlowsStageOptions = {}): Partial<FlowOptions> {
  const us = (s: number) => Math.round(s * 1_000_000);
  return {
    ...(o.idleTimeoutS === undefined ? {} : { tcpIdleTimeoutUs: us(o.idleTimeoutS), udpIdleTimeoutUs: us(o.idleTimeoutS), icmpIdleTimeoutUs: us(o.idleTimeoutS), otherIdleTimeoutUs: us(o.idleTimeoutS) }),
    ...(o.activeTimeoutS === undefined ? {} : { activeTimeoutUs: us(o.activeTimeoutS) }),
  };
}

/**
 * Decodes each packet and accounts it in the flow table, a state store logged to the compacted
 * `ids-flows-flow-table-changelog`; emits a flow when it closes, times out in event time (a
 * packet's time or a watermark), or the input ends. Undecodable frames are counted by reason.
 */
export class FlowTableProcessor implements Processor<string, PacketRecord> {
  private context!: ProcessorContext;
  private table!: FlowTable;
  private readonly view = new PacketView();
  /** Event time so far: the latest packet or watermark. */
  private nowUs = 0;

  constructor(private readonly options: Partial<FlowOptions>) {}

  init(context: ProcessorContext): void {
    this.context = context;
    this.table = new FlowTable(this.options, context.getStateStore<KeyValueStore<FlowState>>(FLOW_TABLE_STORE));
  }

  process(record: StreamRecord<string, PacketRecord>): void {
    const p = record.value;
    if (!p) return;
    // One view decoded into again and again: no objects per packet, and the table finds an IPv4
    // flow by the tuple's bytes in the frame instead of by a key string.
    const failure = decodePacketInto(this.view, p.data, p.link_type, p.ts_us, p.original_length);
    if (failure !== null) {
      this.context.count(`decode-${DECODE_FAILURE_KIND[failure.reason]}:${failure.reason}`);
      return;
    }
    this.nowUs = Math.max(this.nowUs, this.view.tsUs);
    this.emit(this.table.add(this.view));
  }

  onWatermark(watermarkUs: number): void {
    this.nowUs = Math.max(this.nowUs, watermarkUs);
    this.emit(this.table.advanceTo(watermarkUs));
  }

  onEndOfInput(untilUs: number): void {
    this.emit(this.table.flush(untilUs));
  }

  /**
   * A flow's record time is the event time at which it ended here (its closing packet, or the
   * watermark that timed it out), not its last packet: downstream windows over "connections that
   * ended recently" then see each flow at a time the watermark has not yet passed.
   */
  private emit(flows: readonly FlowRecord[]): void {
    for (const f of flows) this.context.forward({ key: f.flow_key, value: f, timestampUs: Math.max(this.nowUs, f.last_ts_us) });
  }
}

export function flowsTopology(options: FlowsStageOptions = {}): Topology {
  const flowOptions = toFlowOptions(options);
  return new TopologyBuilder(APP_IDS.flows)
    .addSource('packets-source', TOPICS.packets.name)
    .addProcessor('flow-table', () => new FlowTableProcessor(flowOptions), 'packets-source')
    .addStateStore({ name: FLOW_TABLE_STORE, changelog: true }, 'flow-table')
    .addSink('flows-sink', TOPICS.flows.name, TOPICS.flows.partitions, 'flow-table')
    .build();
}
