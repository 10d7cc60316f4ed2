/** Buffers a content or pcre can inspect (Suricata's sticky buffer names map onto these). */
export type BufferName =
  | 'pkt_data'
  | 'http_uri'
  | 'http_raw_uri'
  | 'http_method'
  | 'http_header'
  | 'http_raw_header'
  | 'http_cookie'
  | 'http_client_body'
  | 'http_user_agent'
  | 'http_host'
  /** Response status code (`401`): the one response-side buffer, used by rules/bruteforce.rules. */
  | 'http_stat_code';

export type RuleAction = 'alert' | 'drop' | 'pass' | 'reject';
export type RuleProtocol = 'ip' | 'tcp' | 'udp' | 'icmp' | 'http';

export interface AddressSet {
  matches(ip: string): boolean;
  /** The expression as written, variables not expanded. */
  readonly text: string;
}

export interface PortSet {
  matches(port: number): boolean;
  readonly text: string;
}

export interface RuleReference {
  system: string;
  id: string;
}

/** `flow:` — direction and state; `stateless` rules set both to null. */
export interface FlowConstraint {
  /** true: to_server/from_client, false: to_client/from_server, null: either. */
  toServer: boolean | null;
  /** true: established, false: not_established, null: either (stateless or unspecified). */
  established: boolean | null;
}

export type ThresholdType = 'limit' | 'threshold' | 'both' | 'detection_filter';

export interface ThresholdSpec {
  /** `detection_filter` for the detection_filter keyword. */
  type: ThresholdType;
  track: 'by_src' | 'by_dst';
  count: number;
  seconds: number;
}

export type FlowbitsCommand = 'set' | 'isset' | 'isnotset' | 'unset' | 'toggle' | 'noalert';

export interface FlowbitsOp {
  cmd: FlowbitsCommand;
  /** null only for `noalert`. */
  name: string | null;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '<>';

/** `n`, `!n`, `<n`, `<=n`, `>n`, `>=n`, `a<>b` / `a-b` (exclusive range, as Suricata). */
export interface Comparison {
  op: ComparisonOperator;
  value: number;
  /** Upper bound for `<>`. */
  max: number;
}

export interface ContentOption {
  kind: 'content';
  buffer: BufferName;
  /** The bytes as written (escapes and |hex| decoded). */
  pattern: Uint8Array;
  /** `pattern` lower-cased when nocase, else the same array. */
  needle: Uint8Array;
  nocase: boolean;
  negated: boolean;
  offset: number | null;
  depth: number | null;
  distance: number | null;
  within: number | null;
  /** distance or within set: anchored on the end of the previous match in the same buffer. */
  relative: boolean;
  fastPattern: boolean;
  /** `fast_pattern:only` (accepted; the content is still verified). */
  fastPatternOnly: boolean;
  /** `fast_pattern:offset,length`. */
  fastPatternSlice: { offset: number; length: number } | null;
}

export interface PcreOption {
  kind: 'pcre';
  buffer: BufferName;
  /** The pcre as written, e.g. `/a.b/Ri`. */
  source: string;
  regex: RegExp;
  negated: boolean;
  /** R flag: applied to the buffer from the end of the previous match. */
  relative: boolean;
}

export type PacketCheckKeyword = 'dsize' | 'ttl' | 'itype' | 'icode' | 'ip_proto' | 'urilen';

export interface ComparisonOption {
  kind: PacketCheckKeyword;
  comparison: Comparison;
  /** urilen only: the buffer whose length is compared. */
  buffer: BufferName | null;
}

export interface FlagsOption {
  kind: 'flags';
  /** Bits named in the rule (FIN 1 … CWR 128); 0 for `flags:0`. */
  flags: number;
  /** Bits ignored before comparing (after the comma). */
  mask: number;
  /** exact (no modifier), '+' all of them and maybe others, '*' any of them, '!' not all of them (Suricata). */
  modifier: 'exact' | '+' | '*' | '!';
}

export interface FlowOption {
  kind: 'flow';
  constraint: FlowConstraint;
}

export interface SameIpOption {
  kind: 'sameip';
}

/** Compiled detection options in rule order. */
export type DetectionOption = ContentOption | PcreOption | ComparisonOption | FlagsOption | FlowOption | SameIpOption;

/** Content and pcre of one buffer, in rule order: relative matches chain within it. */
export interface BufferChain {
  buffer: BufferName;
  items: ReadonlyArray<ContentOption | PcreOption>;
  /** backtrack[i]: a later item is relative, so a failed tail retries item i further on. */
  backtrack: ReadonlyArray<boolean>;
}

export interface FastPattern {
  buffer: BufferName;
  bytes: Uint8Array;
  nocase: boolean;
}

export interface Rule {
  gid: number;
  sid: number;
  rev: number;
  msg: string;
  action: RuleAction;
  protocol: RuleProtocol;
  src: AddressSet;
  srcPorts: PortSet;
  /** `<>`: the engine tries both orientations of the header. */
  bidirectional: boolean;
  dst: AddressSet;
  dstPorts: PortSet;
  classtype: string | null;
  /** `priority:` if given, else the classtype's, else 3 (Suricata's default). */
  priority: number;
  metadata: Record<string, string[]>;
  /** First value of the `family` metadata key. */
  family: string | null;
  /** First value of the `label` metadata key. */
  label: string | null;
  references: RuleReference[];
  flow: FlowConstraint | null;
  threshold: ThresholdSpec | null;
  detectionFilter: ThresholdSpec | null;
  flowbits: FlowbitsOp[];
  /** `noalert` or `flowbits:noalert`: the rule runs (flowbits) but never alerts. */
  noalert: boolean;
  /** Null when the rule has no positive content: the engine must evaluate it on every packet. */
  fastPattern: FastPattern | null;
  /** Ordered, compiled detection options. */
  options: DetectionOption[];
  /** Content/pcre grouped per buffer (derived from options). */
  chains: BufferChain[];
  file: string;
  line: number;
  text: string;
}

export type RuleParseErrorCode =
  | 'RULE_SYNTAX'
  | 'RULE_KEYWORD_UNSUPPORTED'
  | 'RULE_OPTION_INVALID'
  | 'RULE_SID_DUPLICATE';

/** A rule that was not returned: why, and where. */
export interface RuleParseError {
  file: string;
  line: number;
  sid?: number;
  /** Names the keyword (or header part) at fault. */
  reason: string;
  code: RuleParseErrorCode;
}

export interface RuleMatchContext {
  ipProto: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  ttl: number;
  /** FIN 1 SYN 2 RST 4 PSH 8 ACK 16 URG 32 ECE 64 CWR 128 */
  tcpFlags: number;
  /** -1 when not ICMP. */
  icmpType: number;
  icmpCode: number;
  /** Payload length of the packet. */
  dsize: number;
  /** null: stateless (no flow tracking for this packet). */
  flow: { toServer: boolean; established: boolean } | null;
  /** pkt_data = payload (or the reassembled stream chunk); http_* null when no HTTP request. */
  buffer(name: BufferName): Uint8Array | null;
}
