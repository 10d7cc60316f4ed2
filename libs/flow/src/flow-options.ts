/** Flow tracking settings. Every timeout is in event time (packet timestamps), never wall clock. */
export interface FlowOptions {
  /** A TCP flow with no packet for this long is emitted with reason IDLE. Default 300 s (Zeek's tcp_inactivity_timeout). */
  tcpIdleTimeoutUs: number;
  /** Idle timeout of UDP flows. Default 60 s (Zeek's udp_inactivity_timeout). */
  udpIdleTimeoutUs: number;
  /** Idle timeout of ICMP and ICMPv6 flows. Default 60 s (Zeek's icmp_inactivity_timeout). */
  icmpIdleTimeoutUs: number;
  /** Idle timeout of flows of any other IP protocol. Default 60 s. */
  otherIdleTimeoutUs: number;
  /**
   * A flow older than this (first packet to now) is emitted with reason ACTIVE and the next
   * packet starts a new flow, so long connections report regularly. Default 1800 s (the NetFlow
   * / IPFIX active timeout). CICFlowMeter's equivalent, its "flow timeout", is 120 s.
   */
  activeTimeoutUs: number;
  /**
   * A finished TCP flow (both FINs seen, or a RST) that did not close at once (the last FIN was
   * never acknowledged, or closeOnFin / closeOnRst is off) is emitted after this much quiet, with
   * reason FIN or RST. Default 5 s (Zeek's tcp_close_delay).
   */
  tcpClosingTimeoutUs: number;
  /** Close a TCP flow when both sides have sent a FIN and each FIN has been acknowledged. Default true. */
  closeOnFin: boolean;
  /** Close a TCP flow on the first RST from either side. Default true. */
  closeOnRst: boolean;
  /**
   * Statistics only: a gap between packets longer than this ends an active period and counts as
   * idle time (active_* / idle_* of FlowStats). Default 5 s (CICFlowMeter's activity timeout).
   */
  activityTimeoutUs: number;
}

const SECOND = 1_000_000;

export const DEFAULT_FLOW_OPTIONS: Readonly<FlowOptions> = Object.freeze({
  tcpIdleTimeoutUs: 300 * SECOND,
  udpIdleTimeoutUs: 60 * SECOND,
  icmpIdleTimeoutUs: 60 * SECOND,
  otherIdleTimeoutUs: 60 * SECOND,
  activeTimeoutUs: 1800 * SECOND,
  tcpClosingTimeoutUs: 5 * SECOND,
  closeOnFin: true,
  closeOnRst: true,
  activityTimeoutUs: 5 * SECOND,
});

export function resolveFlowOptions(options: Partial<FlowOptions> = {}): FlowOptions {
  return { ...DEFAULT_FLOW_OPTIONS, ...options };
}
