/**
 * The feature set, in vector order: the one place feature names are defined. A model records
 * `FEATURE_SCHEMA` and refuses vectors of another version, so any change to the names, their order
 * or their meaning must bump it.
 */
export const FEATURE_SCHEMA = 'cic+kdd/1';

export type FeatureGroup = 'cic' | 'kdd-basic' | 'kdd-time' | 'kdd-host';

export interface FeatureSpec {
  readonly name: string;
  readonly group: FeatureGroup;
  /** The column it corresponds to in CICFlowMeter / CIC-IDS2017 or NSL-KDD, when there is one. */
  readonly reference: string;
  readonly description: string;
}

const f = (group: FeatureGroup, name: string, reference: string, description: string): FeatureSpec => ({ name, group, reference, description });

/** CICFlowMeter's flow features (fwd = initiator to responder; times in microseconds). */
const CIC: FeatureSpec[] = [
  f('cic', 'dst_port', 'Destination Port', 'Responder port (ICMP: code).'),
  f('cic', 'ip_proto', 'Protocol', 'IP protocol number.'),
  f('cic', 'flow_duration', 'Flow Duration', 'Last minus first packet time, µs.'),
  f('cic', 'tot_fwd_pkts', 'Total Fwd Packets', 'Packets from the initiator.'),
  f('cic', 'tot_bwd_pkts', 'Total Backward Packets', 'Packets from the responder.'),
  f('cic', 'totlen_fwd_pkts', 'Total Length of Fwd Packets', 'Payload bytes from the initiator.'),
  f('cic', 'totlen_bwd_pkts', 'Total Length of Bwd Packets', 'Payload bytes from the responder.'),
  f('cic', 'fwd_pkt_len_max', 'Fwd Packet Length Max', 'Largest initiator payload.'),
  f('cic', 'fwd_pkt_len_min', 'Fwd Packet Length Min', 'Smallest initiator payload.'),
  f('cic', 'fwd_pkt_len_mean', 'Fwd Packet Length Mean', 'Mean initiator payload.'),
  f('cic', 'fwd_pkt_len_std', 'Fwd Packet Length Std', 'Sample standard deviation of initiator payloads.'),
  f('cic', 'bwd_pkt_len_max', 'Bwd Packet Length Max', 'Largest responder payload.'),
  f('cic', 'bwd_pkt_len_min', 'Bwd Packet Length Min', 'Smallest responder payload.'),
  f('cic', 'bwd_pkt_len_mean', 'Bwd Packet Length Mean', 'Mean responder payload.'),
  f('cic', 'bwd_pkt_len_std', 'Bwd Packet Length Std', 'Sample standard deviation of responder payloads.'),
  f('cic', 'flow_bytes_s', 'Flow Bytes/s', 'Payload bytes per second of duration (0 for a zero duration).'),
  f('cic', 'flow_pkts_s', 'Flow Packets/s', 'Packets per second of duration (0 for a zero duration).'),
  f('cic', 'flow_iat_mean', 'Flow IAT Mean', 'Mean gap between packets, µs.'),
  f('cic', 'flow_iat_std', 'Flow IAT Std', 'Sample standard deviation of the gaps, µs.'),
  f('cic', 'flow_iat_max', 'Flow IAT Max', 'Largest gap, µs.'),
  f('cic', 'flow_iat_min', 'Flow IAT Min', 'Smallest gap, µs.'),
  f('cic', 'fwd_iat_tot', 'Fwd IAT Total', 'Sum of gaps between initiator packets, µs.'),
  f('cic', 'fwd_iat_mean', 'Fwd IAT Mean', 'Mean gap between initiator packets, µs.'),
  f('cic', 'fwd_iat_std', 'Fwd IAT Std', 'Standard deviation of those gaps, µs.'),
  f('cic', 'fwd_iat_max', 'Fwd IAT Max', 'Largest of those gaps, µs.'),
  f('cic', 'fwd_iat_min', 'Fwd IAT Min', 'Smallest of those gaps, µs.'),
  f('cic', 'bwd_iat_tot', 'Bwd IAT Total', 'Sum of gaps between responder packets, µs.'),
  f('cic', 'bwd_iat_mean', 'Bwd IAT Mean', 'Mean gap between responder packets, µs.'),
  f('cic', 'bwd_iat_std', 'Bwd IAT Std', 'Standard deviation of those gaps, µs.'),
  f('cic', 'bwd_iat_max', 'Bwd IAT Max', 'Largest of those gaps, µs.'),
  f('cic', 'bwd_iat_min', 'Bwd IAT Min', 'Smallest of those gaps, µs.'),
  f('cic', 'fwd_psh_flags', 'Fwd PSH Flags', 'Initiator packets with PSH.'),
  f('cic', 'bwd_psh_flags', 'Bwd PSH Flags', 'Responder packets with PSH.'),
  f('cic', 'fwd_urg_flags', 'Fwd URG Flags', 'Initiator packets with URG.'),
  f('cic', 'bwd_urg_flags', 'Bwd URG Flags', 'Responder packets with URG.'),
  f('cic', 'fwd_header_len', 'Fwd Header Length', 'Transport header bytes from the initiator.'),
  f('cic', 'bwd_header_len', 'Bwd Header Length', 'Transport header bytes from the responder.'),
  f('cic', 'fwd_pkts_s', 'Fwd Packets/s', 'Initiator packets per second of duration.'),
  f('cic', 'bwd_pkts_s', 'Bwd Packets/s', 'Responder packets per second of duration.'),
  f('cic', 'pkt_len_min', 'Min Packet Length', 'Smallest payload in either direction.'),
  f('cic', 'pkt_len_max', 'Max Packet Length', 'Largest payload in either direction.'),
  f('cic', 'pkt_len_mean', 'Packet Length Mean', 'Mean payload.'),
  f('cic', 'pkt_len_std', 'Packet Length Std', 'Standard deviation of payloads.'),
  f('cic', 'pkt_len_var', 'Packet Length Variance', 'Variance of payloads.'),
  f('cic', 'fin_flag_cnt', 'FIN Flag Count', 'Packets with FIN.'),
  f('cic', 'syn_flag_cnt', 'SYN Flag Count', 'Packets with SYN.'),
  f('cic', 'rst_flag_cnt', 'RST Flag Count', 'Packets with RST.'),
  f('cic', 'psh_flag_cnt', 'PSH Flag Count', 'Packets with PSH.'),
  f('cic', 'ack_flag_cnt', 'ACK Flag Count', 'Packets with ACK.'),
  f('cic', 'urg_flag_cnt', 'URG Flag Count', 'Packets with URG.'),
  f('cic', 'cwr_flag_cnt', 'CWE Flag Count', 'Packets with CWR (CICFlowMeter calls it CWE).'),
  f('cic', 'ece_flag_cnt', 'ECE Flag Count', 'Packets with ECE.'),
  f('cic', 'down_up_ratio', 'Down/Up Ratio', 'Responder packets / initiator packets (0 when none from the initiator).'),
  f('cic', 'pkt_size_avg', 'Average Packet Size', 'Payload bytes / packets.'),
  f('cic', 'fwd_seg_size_avg', 'Avg Fwd Segment Size', 'Initiator payload bytes / initiator packets.'),
  f('cic', 'bwd_seg_size_avg', 'Avg Bwd Segment Size', 'Responder payload bytes / responder packets.'),
  f('cic', 'fwd_byts_b_avg', 'Fwd Avg Bytes/Bulk', 'Mean bytes per initiator bulk transfer.'),
  f('cic', 'fwd_pkts_b_avg', 'Fwd Avg Packets/Bulk', 'Mean packets per initiator bulk transfer.'),
  f('cic', 'fwd_blk_rate_avg', 'Fwd Avg Bulk Rate', 'Mean bytes per second in initiator bulk transfers.'),
  f('cic', 'bwd_byts_b_avg', 'Bwd Avg Bytes/Bulk', 'Mean bytes per responder bulk transfer.'),
  f('cic', 'bwd_pkts_b_avg', 'Bwd Avg Packets/Bulk', 'Mean packets per responder bulk transfer.'),
  f('cic', 'bwd_blk_rate_avg', 'Bwd Avg Bulk Rate', 'Mean bytes per second in responder bulk transfers.'),
  f('cic', 'subflow_fwd_pkts', 'Subflow Fwd Packets', 'Initiator packets per subflow.'),
  f('cic', 'subflow_fwd_byts', 'Subflow Fwd Bytes', 'Initiator payload bytes per subflow.'),
  f('cic', 'subflow_bwd_pkts', 'Subflow Bwd Packets', 'Responder packets per subflow.'),
  f('cic', 'subflow_bwd_byts', 'Subflow Bwd Bytes', 'Responder payload bytes per subflow.'),
  f('cic', 'init_fwd_win_byts', 'Init_Win_bytes_forward', 'TCP window of the first initiator packet (-1 when none).'),
  f('cic', 'init_bwd_win_byts', 'Init_Win_bytes_backward', 'TCP window of the first responder packet (-1 when none).'),
  f('cic', 'fwd_act_data_pkts', 'act_data_pkt_fwd', 'Initiator packets with at least one payload byte.'),
  f('cic', 'fwd_seg_size_min', 'min_seg_size_forward', 'Smallest initiator transport header.'),
  f('cic', 'active_mean', 'Active Mean', 'Mean active period, µs.'),
  f('cic', 'active_std', 'Active Std', 'Standard deviation of active periods, µs.'),
  f('cic', 'active_max', 'Active Max', 'Longest active period, µs.'),
  f('cic', 'active_min', 'Active Min', 'Shortest active period, µs.'),
  f('cic', 'idle_mean', 'Idle Mean', 'Mean idle period, µs.'),
  f('cic', 'idle_std', 'Idle Std', 'Standard deviation of idle periods, µs.'),
  f('cic', 'idle_max', 'Idle Max', 'Longest idle period, µs.'),
  f('cic', 'idle_min', 'Idle Min', 'Shortest idle period, µs.'),
];

/** NSL-KDD's basic features (the 13 content features need payload inspection and are not in the set). */
const KDD_BASIC: FeatureSpec[] = [
  f('kdd-basic', 'duration', 'duration', 'Flow duration, seconds.'),
  f('kdd-basic', 'protocol_type', 'protocol_type', 'tcp 1, udp 2, icmp 3, anything else 0.'),
  f('kdd-basic', 'service', 'service', 'Index of the guessed service in KDD_SERVICES (0: other).'),
  f('kdd-basic', 'flag', 'flag', 'Index of the conn_state in KDD_FLAGS.'),
  f('kdd-basic', 'src_bytes', 'src_bytes', 'Payload bytes from the initiator.'),
  f('kdd-basic', 'dst_bytes', 'dst_bytes', 'Payload bytes from the responder.'),
  f('kdd-basic', 'land', 'land', '1 when both endpoints are the same address and port.'),
  f('kdd-basic', 'wrong_fragment', 'wrong_fragment', 'Always 0 in this version: fragment errors are counted by the decoder, not per flow.'),
  f('kdd-basic', 'urgent', 'urgent', 'Packets with URG.'),
];

/** Connections that ended in the 2 seconds up to this one's end (this one included). */
const KDD_TIME: FeatureSpec[] = [
  f('kdd-time', 'count', 'count', 'Connections to the same responder host.'),
  f('kdd-time', 'srv_count', 'srv_count', 'Connections to the same service (protocol and responder port), any host.'),
  f('kdd-time', 'serror_rate', 'serror_rate', 'Share of `count` with a SYN error (S0, S1, S2, S3).'),
  f('kdd-time', 'srv_serror_rate', 'srv_serror_rate', 'Share of `srv_count` with a SYN error.'),
  f('kdd-time', 'rerror_rate', 'rerror_rate', 'Share of `count` rejected (REJ).'),
  f('kdd-time', 'srv_rerror_rate', 'srv_rerror_rate', 'Share of `srv_count` rejected.'),
  f('kdd-time', 'same_srv_rate', 'same_srv_rate', 'Share of `count` to the same service.'),
  f('kdd-time', 'diff_srv_rate', 'diff_srv_rate', 'Share of `count` to other services.'),
  f('kdd-time', 'srv_diff_host_rate', 'srv_diff_host_rate', 'Share of `srv_count` to other hosts.'),
];

/** The last 100 connections to the same responder host (this one included). */
const KDD_HOST: FeatureSpec[] = [
  f('kdd-host', 'dst_host_count', 'dst_host_count', 'Connections in the window (at most 100).'),
  f('kdd-host', 'dst_host_srv_count', 'dst_host_srv_count', 'Of those, to the same service.'),
  f('kdd-host', 'dst_host_same_srv_rate', 'dst_host_same_srv_rate', 'dst_host_srv_count / dst_host_count.'),
  f('kdd-host', 'dst_host_diff_srv_rate', 'dst_host_diff_srv_rate', 'Share to other services.'),
  f('kdd-host', 'dst_host_same_src_port_rate', 'dst_host_same_src_port_rate', 'Share from the same initiator port.'),
  f('kdd-host', 'dst_host_srv_diff_host_rate', 'dst_host_srv_diff_host_rate', 'Of the same-service ones, share from other initiator hosts.'),
  f('kdd-host', 'dst_host_serror_rate', 'dst_host_serror_rate', 'Share with a SYN error.'),
  f('kdd-host', 'dst_host_srv_serror_rate', 'dst_host_srv_serror_rate', 'Of the same-service ones, share with a SYN error.'),
  f('kdd-host', 'dst_host_rerror_rate', 'dst_host_rerror_rate', 'Share rejected.'),
  f('kdd-host', 'dst_host_srv_rerror_rate', 'dst_host_srv_rerror_rate', 'Of the same-service ones, share rejected.'),
];

export const FEATURES: readonly FeatureSpec[] = Object.freeze([...CIC, ...KDD_BASIC, ...KDD_TIME, ...KDD_HOST]);
export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURES.map((s) => s.name));
export const FEATURE_GROUPS = { CIC, KDD_BASIC, KDD_TIME, KDD_HOST } as const;
