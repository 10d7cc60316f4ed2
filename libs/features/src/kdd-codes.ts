/**
 * Numeric codes for NSL-KDD's categorical features. Codes are positions in these lists, so the
 * lists only grow at the end (a reordering is a new FEATURE_SCHEMA).
 */
export const KDD_PROTOCOLS: Readonly<Record<string, number>> = { tcp: 1, udp: 2, icmp: 3, icmp6: 3 };

/** NSL-KDD's flag values (Zeek conn_state names); index 0 also stands for states KDD does not have. */
export const KDD_FLAGS: readonly string[] = ['OTH', 'REJ', 'RSTO', 'RSTOS0', 'RSTR', 'S0', 'S1', 'S2', 'S3', 'SF', 'SH'];

/** Service names libs/flow guesses from the responder port; 0 is "other". */
export const KDD_SERVICES: readonly string[] = [
  'other', 'bgp', 'dhcp', 'dns', 'ftp', 'ftp-data', 'http', 'https', 'ike', 'imap', 'imaps', 'krb', 'ldap', 'ldaps',
  'llmnr', 'mdns', 'mongodb', 'mqtt', 'mssql', 'mysql', 'netbios-dgm', 'netbios-ns', 'ntp', 'pop3', 'pop3s',
  'postgresql', 'quic', 'rdp', 'redis', 'rpc', 'sip', 'smb', 'smtp', 'smtps', 'snmp', 'ssdp', 'ssh', 'syslog',
  'telnet', 'tftp', 'vnc',
];

export function protocolCode(proto: string): number {
  return KDD_PROTOCOLS[proto] ?? 0;
}

export function flagCode(connState: string): number {
  return Math.max(0, KDD_FLAGS.indexOf(connState));
}

export function serviceCode(service: string | null): number {
  return service === null ? 0 : Math.max(0, KDD_SERVICES.indexOf(service));
}

/** KDD's SYN errors: a connection attempt that never completed its handshake properly. */
export function isSynError(connState: string): boolean {
  return connState === 'S0' || connState === 'S1' || connState === 'S2' || connState === 'S3';
}

export function isRejected(connState: string): boolean {
  return connState === 'REJ';
}
