// A guess of the application protocol from the responder's port, as Zeek's `service` field
// would be filled without protocol detection. Names follow Zeek's where they exist.

const TCP_SERVICES: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 88: 'krb',
  110: 'pop3', 111: 'rpc', 135: 'dce_rpc', 139: 'smb', 143: 'imap', 179: 'bgp', 389: 'ldap', 443: 'https',
  445: 'smb', 465: 'smtps', 587: 'smtp', 636: 'ldaps', 993: 'imaps', 995: 'pop3s', 1433: 'mssql',
  1883: 'mqtt', 3306: 'mysql', 3389: 'rdp', 5432: 'postgresql', 5900: 'vnc', 6379: 'redis',
  8000: 'http', 8080: 'http', 8443: 'https', 8888: 'http', 9200: 'http', 27017: 'mongodb',
};

const UDP_SERVICES: Record<number, string> = {
  53: 'dns', 67: 'dhcp', 68: 'dhcp', 69: 'tftp', 88: 'krb', 123: 'ntp', 137: 'netbios-ns', 138: 'netbios-dgm',
  161: 'snmp', 162: 'snmp', 443: 'quic', 500: 'ike', 514: 'syslog', 1900: 'ssdp', 4500: 'ike', 5060: 'sip',
  5353: 'mdns', 5355: 'llmnr',
};

const BY_PROTOCOL: Record<number, Record<number, string>> = { 6: TCP_SERVICES, 17: UDP_SERVICES };

/** Service name for a responder port of TCP (6) or UDP (17), or null. */
export function guessService(ipProto: number, respPort: number): string | null {
  return BY_PROTOCOL[ipProto]?.[respPort] ?? null;
}
