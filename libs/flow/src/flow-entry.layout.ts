// Where each number of an open flow lives in its FlowEntry's Float64Array (`FlowEntry.d`).
//
// Why one array: V8 keeps a double-valued object field in a heap box of its own, so a flow held
// as plain objects (the FlowState JSON: a stats object with seven RunningStat and two BulkState,
// two EndpointHistory) was some 60 heap objects; in a typed array the numbers are one buffer
// outside the heap that the garbage collector neither scans nor copies. The values are the same
// doubles as the JSON fields they stand for (`null` is NaN), so results stay bit for bit equal.

// Order: by what one packet touches, in cache lines of 8 numbers. A flow's numbers are read far
// apart in time (some 100k flows open, 1.3 KB each, out of cache), so every line a packet needs is
// a miss: the numbers of the sender's direction are together (a packet of the initiator touches
// the common lines, the forward block and its history), and what only the record or a rare event
// reads (active / idle statistics, the ids) is last. A packet touches about 9 lines, not 12.

// Common to both directions: times ...
export const FIRST_TS = 0;
export const LAST_TS = 1;
/** FlowTable's watermark when the flow was last touched / opened (an object field would be a heap box of its own). */
export const TOUCHED_US = 2;
export const OPENED_US = 3;
export const LAST_US = 4;
export const ACTIVE_START_US = 5;
export const ACTIVE_END_US = 6;
export const SUBFLOWS = 7;
// ... the inter-arrival times of the flow (a RunningStat: running-stat.ts lays one out in STAT_SIZE numbers) ...
export const FLOW_IAT = 8;
/** NaN: no FIN sent yet. */
export const ORIG_FIN_SEQ = 14;
export const RESP_FIN_SEQ = 15;
// ... the TCP flag counts.
export const FIN_COUNT = 16;
export const SYN_COUNT = 17;
export const RST_COUNT = 18;
export const PSH_COUNT = 19;
export const ACK_COUNT = 20;
export const URG_COUNT = 21;
export const CWR_COUNT = 22;
export const ECE_COUNT = 23;

// Forward (initiator -> responder): counters and statistics, its BulkState, its EndpointHistory.
export const ORIG_PKTS = 24;
export const ORIG_BYTES = 25;
export const ORIG_IP_BYTES = 26;
export const ORIG_WIRE_BYTES = 27;
export const LAST_FWD_US = 28;
export const FWD_HEADER_BYTES = 29;
export const FWD_PSH = 30;
export const FWD_URG = 31;
export const FWD_LEN = 32;
export const FWD_ACT_DATA = 38;
export const FWD_SEG_SIZE_MIN = 39;
export const FWD_IAT = 40;
export const INIT_WIN_FWD = 46;
/** Read by the responder's first packet only. */
export const INIT_WIN_BWD = 47;
export const FWD_BULK = 48;
export const ORIG_HISTORY = 56;

// Backward (responder -> initiator), the same way.
export const RESP_PKTS = 64;
export const RESP_BYTES = 65;
export const RESP_IP_BYTES = 66;
export const RESP_WIRE_BYTES = 67;
export const LAST_BWD_US = 68;
export const BWD_HEADER_BYTES = 69;
export const BWD_PSH = 70;
export const BWD_URG = 71;
export const BWD_LEN = 72;
export const BWD_IAT = 78;
/** 0 until made (from the key and the first packet time). */
export const FLOW_ID = 84;
export const BWD_BULK = 85;
export const RESP_HISTORY = 93;

// Rarely touched: closed active periods and the idle gaps between them.
export const ACTIVE = 101;
export const IDLE = 107;

// An EndpointHistory, from ORIG_HISTORY / RESP_HISTORY (NaN: null).
export const H_LAST_SYN = 0;
export const H_LAST_FIN = 1;
export const H_LAST_RST = 2;
export const H_LAST_SEQ = 3;
export const H_RETRANSMITS = 4;
export const H_RETRANSMITS_NEXT_MARK = 5;
export const H_ZERO_WINDOWS = 6;
export const H_ZERO_WINDOWS_NEXT_MARK = 7;

// A BulkState, from FWD_BULK / BWD_BULK.
export const B_START_US = 0;
export const B_LAST_US = 1;
export const B_RUN_PKTS = 2;
export const B_RUN_BYTES = 3;
export const B_COUNT = 4;
export const B_PKTS = 5;
export const B_BYTES = 6;
export const B_DURATION_US = 7;

export const FLOW_ENTRY_NUMBERS = 113;
