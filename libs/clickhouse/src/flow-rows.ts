import type { FlowRecord } from '@ids/contracts';

/** A row of the `flows` table (migrations/0001_flows.sql): the FlowRecord's fields plus `ts`. */
export type FlowRow = {
  uid: string;
  flow_id: number;
  flow_key: string;
  ts_us: number;
  last_ts_us: number;
  duration_us: number;
  /** Flow start in whole seconds since the epoch (the DateTime partition and filter column). */
  ts: number;
  proto: string;
  ip_proto: number;
  vlan: number | null;
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  service: string | null;
  orig_pkts: number;
  resp_pkts: number;
  orig_bytes: number;
  resp_bytes: number;
  orig_ip_bytes: number;
  resp_ip_bytes: number;
  orig_wire_bytes: number;
  resp_wire_bytes: number;
  conn_state: string;
  history: string;
  close_reason: string;
};

/** FlowRecord → `flows` row. Every field is kept as it is; `ts` is derived from `ts_us`. */
export function toFlowRow(flow: FlowRecord): FlowRow {
  return {
    uid: flow.uid,
    flow_id: flow.flow_id,
    flow_key: flow.flow_key,
    ts_us: flow.ts_us,
    last_ts_us: flow.last_ts_us,
    duration_us: flow.duration_us,
    ts: Math.floor(flow.ts_us / 1_000_000),
    proto: flow.proto,
    ip_proto: flow.ip_proto,
    vlan: flow.vlan,
    orig_h: flow.orig_h,
    orig_p: flow.orig_p,
    resp_h: flow.resp_h,
    resp_p: flow.resp_p,
    service: flow.service,
    orig_pkts: flow.orig_pkts,
    resp_pkts: flow.resp_pkts,
    orig_bytes: flow.orig_bytes,
    resp_bytes: flow.resp_bytes,
    orig_ip_bytes: flow.orig_ip_bytes,
    resp_ip_bytes: flow.resp_ip_bytes,
    orig_wire_bytes: flow.orig_wire_bytes,
    resp_wire_bytes: flow.resp_wire_bytes,
    conn_state: flow.conn_state,
    history: flow.history,
    close_reason: flow.close_reason,
  };
}
