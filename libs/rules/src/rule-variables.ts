/**
 * Address and port variables (`$NAME`), one flat namespace as in Snort's `var`. Values are
 * expressions in the rule language and may refer to other variables; they are expanded when a
 * rule uses them, so overriding HOME_NET also changes EXTERNAL_NET.
 */
export interface RuleVariables {
  [name: string]: string;
}

/** Suricata 7's suricata.yaml defaults (address-groups and port-groups). */
export const DEFAULT_RULE_VARIABLES: Readonly<RuleVariables> = Object.freeze({
  HOME_NET: '[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]',
  EXTERNAL_NET: '!$HOME_NET',
  HTTP_SERVERS: '$HOME_NET',
  SMTP_SERVERS: '$HOME_NET',
  SQL_SERVERS: '$HOME_NET',
  DNS_SERVERS: '$HOME_NET',
  TELNET_SERVERS: '$HOME_NET',
  // Suricata's shipped suricata.yaml says $EXTERNAL_NET here (the one group that is not $HOME_NET).
  AIM_SERVERS: '$EXTERNAL_NET',
  DC_SERVERS: '$HOME_NET',
  DNP3_SERVER: '$HOME_NET',
  DNP3_CLIENT: '$HOME_NET',
  MODBUS_CLIENT: '$HOME_NET',
  MODBUS_SERVER: '$HOME_NET',
  ENIP_CLIENT: '$HOME_NET',
  ENIP_SERVER: '$HOME_NET',
  HTTP_PORTS: '80',
  SHELLCODE_PORTS: '!80',
  ORACLE_PORTS: '1521',
  SSH_PORTS: '22',
  DNP3_PORTS: '20000',
  MODBUS_PORTS: '502',
  FILE_DATA_PORTS: '[$HTTP_PORTS,110,143]',
  FTP_PORTS: '21',
  GENEVE_PORTS: '6081',
  VXLAN_PORTS: '4789',
  TEREDO_PORTS: '3544',
});

export function resolveVariables(overrides: Partial<RuleVariables> | undefined): RuleVariables {
  const vars: RuleVariables = { ...DEFAULT_RULE_VARIABLES };
  for (const [name, value] of Object.entries(overrides ?? {})) if (value !== undefined) vars[name] = value;
  return vars;
}
