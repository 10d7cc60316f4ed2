/**
 * The fields of a packet that identify its flow. @ids/packet's DecodedPacket has them; it is not
 * imported, as libs in one layer do not import each other.
 */
export interface FlowKeyInput {
  readonly ipProto: number;
  /** Outer VLAN id, or null when untagged. */
  readonly vlan: number | null;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Sign of comparing the source and destination address bytes: negative when the source is lower. */
  readonly addressOrder: number;
}

/**
 * Canonical flow key: `ipProto/vlan/ipA/portA/ipB/portB`, VLAN 0 when untagged, with the lower
 * endpoint first (address bytes compared unsigned, then the port), so both directions of a
 * conversation share it. ICMP uses the type and counterpart type as ports (see @ids/packet), so
 * an echo request and its reply share it too. This is the record key of every data topic.
 */
export function flowKey(pkt: FlowKeyInput): string {
  const srcFirst = pkt.addressOrder < 0 || (pkt.addressOrder === 0 && pkt.srcPort <= pkt.dstPort);
  const vlan = pkt.vlan ?? 0;
  return srcFirst
    ? `${pkt.ipProto}/${vlan}/${pkt.src}/${pkt.srcPort}/${pkt.dst}/${pkt.dstPort}`
    : `${pkt.ipProto}/${vlan}/${pkt.dst}/${pkt.dstPort}/${pkt.src}/${pkt.srcPort}`;
}

export interface FlowKeyParts {
  ipProto: number;
  vlan: number;
  addressA: string;
  portA: number;
  addressB: string;
  portB: number;
}

/** The parts of a key made by `flowKey`, or null when `key` is not one. */
export function parseFlowKey(key: string): FlowKeyParts | null {
  const parts = key.split('/');
  if (parts.length !== 6) return null;
  const [ipProto, vlan, portA, portB] = [parts[0], parts[1], parts[3], parts[5]].map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if ([ipProto, vlan, portA, portB].some(Number.isNaN)) return null;
  return { ipProto, vlan, addressA: parts[2], portA, addressB: parts[4], portB };
}
