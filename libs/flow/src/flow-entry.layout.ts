// Where each number of an open flow lives in its FlowEntry's Float64Array (`FlowEntry.d`).
//
// Why one array: V8 keeps a double-valued object field in a heap box of its own, so a flow held
// as plain objects (the FlowState JSON: a stats object with seven RunningStat and two BulkState,
// two EndpointHistory) was some 60 heap objects; in a typed array the numbers are one buffer
// outside the heap that the garbage collector neither scans nor copies. The values are the same
// doubles as the JSON fields they stand for (`null` is NaN), so results stay bit for bit equal.

// The flow.
export const FIRST_TS = 0;
export const LAST_TS = 1;
export const ORIG_PKTS = 2;
export const RESP_PKTS = 3;
export const ORIG_BYTES = 4;
export const RESP_BYTES = 5;
export const ORIG_IP_BYTES = 6;
export const RESP_IP_BYTES = 7;
export const ORIG_WIRE_BYTES = 8;
export const RESP_WIRE_BYTES = 9;
/** NaN: no FIN sent yet. */
export const ORIG_FIN_SEQ = 10;
export const RESP_FIN_SEQ = 11;
/** 0 until made (from the key and the first packet time). */
export const FLOW_ID = 12;
/** FlowTable's watermark when the flow was last touched / opened (an object field would be a heap box of its own). */
export const TOUCHED_US = 13;
export const OPENED_US = 14;

// EndpointHistory of each side, from ORIG_HISTORY / RESP_HISTORY (NaN: null).
export const ORIG_HISTORY = 16;
export const RESP_HISTORY = 24;
export const H_LAST_SYN = 0;
export const H_LAST_FIN = 1;
export const H_LAST_RST = 2;
export const H_LAST_SEQ = 3;
export const H_RETRANSMITS = 4;
export const H_RETRANSMITS_NEXT_MARK = 5;
export const H_ZERO_WINDOWS = 6;
export const H_ZERO_WINDOWS_NEXT_MARK = 7;

// FlowStatsState: seven RunningStat (running-stat.ts lays one out in STAT_SIZE numbers) ...
export const FWD_LEN = 32;
export const BWD_LEN = 38;
export const FLOW_IAT = 44;
export const FWD_IAT = 50;
export const BWD_IAT = 56;
export const ACTIVE = 62;
export const IDLE = 68;
// ... its scalars ...
export const LAST_US = 74;
export const LAST_FWD_US = 75;
export const LAST_BWD_US = 76;
export const ACTIVE_START_US = 77;
export const ACTIVE_END_US = 78;
export const FWD_PSH = 79;
export const BWD_PSH = 80;
export const FWD_URG = 81;
export const BWD_URG = 82;
export const FIN_COUNT = 83;
export const SYN_COUNT = 84;
export const RST_COUNT = 85;
export const PSH_COUNT = 86;
export const ACK_COUNT = 87;
export const URG_COUNT = 88;
export const CWR_COUNT = 89;
export const ECE_COUNT = 90;
export const FWD_HEADER_BYTES = 91;
export const BWD_HEADER_BYTES = 92;
export const INIT_WIN_FWD = 93;
export const INIT_WIN_BWD = 94;
export const FWD_ACT_DATA = 95;
export const FWD_SEG_SIZE_MIN = 96;
export const SUBFLOWS = 97;
// ... and a BulkState per direction, from FWD_BULK / BWD_BULK.
export const FWD_BULK = 98;
export const BWD_BULK = 106;
export const B_START_US = 0;
export const B_LAST_US = 1;
export const B_RUN_PKTS = 2;
export const B_RUN_BYTES = 3;
export const B_COUNT = 4;
export const B_PKTS = 5;
export const B_BYTES = 6;
export const B_DURATION_US = 7;

export const FLOW_ENTRY_NUMBERS = 114;
