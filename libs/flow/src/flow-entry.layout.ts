// Where each number of an open flow lives in its FlowEntry's Float64Array (`FlowEntry.d`).
//
// Why one array: V8 keeps a double-valued object field in a heap box of its own, so a flow held
// as plain objects (the FlowState JSON: a stats object with seven RunningStat and two BulkState,
// two EndpointHistory) was some 60 heap objects; in a typed array the numbers are one buffer
// outside the heap that the garbage collector neither scans nor copies. The values are the same
// doubles as the JSON fields they stand for (`null` is NaN), so results stay bit for bit equal.

// The canonical tuple + VLAN, when FlowTable indexes the flow by it (flow-tuple.index.ts): what a
// lookup compares, first, in the line it reads next (the times and counters), where object fields
// would be a heap box each (an address above 2^30 is no small integer for V8) and lines of their
// own. Addresses as big-endian 32-bit words (the other three words of an IPv6 address at the end).
export const T_A0 = 0;
export const T_B0 = 1;
/** portA * 65536 + portB. */
export const T_PORTS = 2;
/** (vlan * 256 + ipProto) * 2 + (IPv6 ? 1 : 0). */
export const T_META = 3;

// The flow.
export const FIRST_TS = 4;
export const LAST_TS = 5;
export const ORIG_PKTS = 6;
export const RESP_PKTS = 7;
export const ORIG_BYTES = 8;
export const RESP_BYTES = 9;
export const ORIG_IP_BYTES = 10;
export const RESP_IP_BYTES = 11;
export const ORIG_WIRE_BYTES = 12;
export const RESP_WIRE_BYTES = 13;
/** NaN: no FIN sent yet. */
export const ORIG_FIN_SEQ = 14;
export const RESP_FIN_SEQ = 15;
/** 0 until made (from the key and the first packet time). */
export const FLOW_ID = 16;
/** FlowTable's watermark when the flow was last touched / opened (an object field would be a heap box of its own). */
export const TOUCHED_US = 17;
export const OPENED_US = 18;

// EndpointHistory of each side, from ORIG_HISTORY / RESP_HISTORY (NaN: null).
export const ORIG_HISTORY = 20;
export const RESP_HISTORY = 28;
export const H_LAST_SYN = 0;
export const H_LAST_FIN = 1;
export const H_LAST_RST = 2;
export const H_LAST_SEQ = 3;
export const H_RETRANSMITS = 4;
export const H_RETRANSMITS_NEXT_MARK = 5;
export const H_ZERO_WINDOWS = 6;
export const H_ZERO_WINDOWS_NEXT_MARK = 7;

// FlowStatsState: seven RunningStat (running-stat.ts lays one out in STAT_SIZE numbers) ...
export const FWD_LEN = 36;
export const BWD_LEN = 42;
export const FLOW_IAT = 48;
export const FWD_IAT = 54;
export const BWD_IAT = 60;
export const ACTIVE = 66;
export const IDLE = 72;
// ... its scalars ...
export const LAST_US = 78;
export const LAST_FWD_US = 79;
export const LAST_BWD_US = 80;
export const ACTIVE_START_US = 81;
export const ACTIVE_END_US = 82;
export const FWD_PSH = 83;
export const BWD_PSH = 84;
export const FWD_URG = 85;
export const BWD_URG = 86;
export const FIN_COUNT = 87;
export const SYN_COUNT = 88;
export const RST_COUNT = 89;
export const PSH_COUNT = 90;
export const ACK_COUNT = 91;
export const URG_COUNT = 92;
export const CWR_COUNT = 93;
export const ECE_COUNT = 94;
export const FWD_HEADER_BYTES = 95;
export const BWD_HEADER_BYTES = 96;
export const INIT_WIN_FWD = 97;
export const INIT_WIN_BWD = 98;
export const FWD_ACT_DATA = 99;
export const FWD_SEG_SIZE_MIN = 100;
export const SUBFLOWS = 101;
// ... and a BulkState per direction, from FWD_BULK / BWD_BULK.
export const FWD_BULK = 102;
export const BWD_BULK = 110;
export const B_START_US = 0;
export const B_LAST_US = 1;
export const B_RUN_PKTS = 2;
export const B_RUN_BYTES = 3;
export const B_COUNT = 4;
export const B_PKTS = 5;
export const B_BYTES = 6;
export const B_DURATION_US = 7;

// The rest of an IPv6 tuple: A1..A3, B1..B3.
export const T_A1 = 118;
export const T_A2 = 119;
export const T_A3 = 120;
export const T_B1 = 121;
export const T_B2 = 122;
export const T_B3 = 123;

export const FLOW_ENTRY_NUMBERS = 124;
