import type { AlertRecord, FlowRecord } from '@ids/contracts';
import { formatEveTimestamp } from './eve-timestamp';

/** Generator id written for rule-based alerts: AlertRecord has no gid, and text rules are gid 1. */
const TEXT_RULE_GID = 1;

/**
 * One EVE `alert` event as a JSON line (no trailing newline): the alert contract of
 * ARCHITECTURE.md, keys in Suricata's order, plus the `detection` block. With the flow, EVE's
 * `app_proto` and `flow` block (to_server = initiator → responder) are added.
 */
export function toEveJson(alert: AlertRecord, flow?: FlowRecord): string {
  const event: Record<string, unknown> = {
    timestamp: alert.timestamp,
    flow_id: alert.flow_id,
    event_type: 'alert',
    src_ip: alert.src_ip,
    src_port: alert.src_port,
    dest_ip: alert.dest_ip,
    dest_port: alert.dest_port,
    proto: alert.proto,
    alert: {
      action: 'allowed',
      ...(alert.detection.method === 'ml' ? {} : { gid: TEXT_RULE_GID }),
      signature_id: alert.alert.signature_id,
      rev: alert.alert.rev,
      signature: alert.alert.signature,
      category: alert.alert.category,
      severity: alert.alert.severity,
    },
    detection: {
      method: alert.detection.method,
      confidence: alert.detection.confidence,
      family: alert.detection.family,
      label: alert.detection.label,
    },
  };
  if (flow) {
    if (flow.service) event.app_proto = flow.service;
    event.flow = {
      pkts_toserver: flow.orig_pkts, pkts_toclient: flow.resp_pkts,
      bytes_toserver: flow.orig_wire_bytes, bytes_toclient: flow.resp_wire_bytes,
      start: formatEveTimestamp(flow.ts_us),
    };
  }
  return JSON.stringify(event);
}
