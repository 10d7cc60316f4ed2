// EVE names transports by their IANA keyword; the Flow record uses Zeek's lower-case names.
const EVE_PROTOS: Readonly<Record<string, string>> = { icmp6: 'IPv6-ICMP', ipv6_icmp: 'IPv6-ICMP', 'ipv6-icmp': 'IPv6-ICMP' };

/** A Flow record's `proto` (tcp, udp, icmp, icmp6, ip) as EVE writes it (TCP, UDP, ICMP, IPv6-ICMP, IP). */
export function eveProto(proto: string): string {
  return EVE_PROTOS[proto.toLowerCase()] ?? proto.toUpperCase();
}
