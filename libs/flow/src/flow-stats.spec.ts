import type { FlowStats } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { openFlow, updateFlow, type FlowPacket } from './flow-state';
import { F, packet, type TestPacket } from './flow-test.packets';

const options = resolveFlowOptions();

function statsOf(packets: FlowPacket[], opts = options): FlowStats {
  const state = openFlow(packets[0], flowKey(packets[0]));
  for (const p of packets) updateFlow(state, p, opts);
  const stats = toFlowRecord(state, 'END').stats;
  if (stats === null) throw new Error('no stats');
  return stats;
}

describe('FlowStats, worked by hand', () => {
  // Six TCP packets (µs after T0; payload; transport header; window):
  //   c SYN          at 0          0 B  hdr 40  win 64240
  //   s SYN-ACK      at 1 000      0 B  hdr 40  win 65160
  //   c PSH-ACK      at 3 000    100 B  hdr 32
  //   s PSH-ACK      at 7 000    300 B  hdr 32
  //   c PSH-ACK-URG  at 6 007 000 50 B  hdr 32   (6 s after the previous packet: idle, new subflow)
  //   c FIN-ACK      at 6 008 000  0 B  hdr 32
  const { SYN, ACK, PSH, URG, FIN } = F;
  const p = (from: 'c' | 's', flags: number, at: number, len: number, hdr: number, win = 500): FlowPacket =>
    packet({ from, flags, at, len, hdr, win, seq: 0 });
  const stats = statsOf([
    p('c', SYN, 0, 0, 40, 64240),
    p('s', SYN | ACK, 1000, 0, 40, 65160),
    p('c', PSH | ACK, 3000, 100, 32),
    p('s', PSH | ACK, 7000, 300, 32),
    p('c', PSH | ACK | URG, 6_007_000, 50, 32),
    p('c', FIN | ACK, 6_008_000, 0, 32),
  ]);

  it.each<[string, Partial<FlowStats>]>([
    // fwd lengths 0, 100, 50, 0: mean 37.5; squared deviations 1406.25 + 3906.25 + 156.25 + 1406.25 = 6875; / 3 -> std 47.8714
    ['forward packet lengths', { fwd_pkt_len_min: 0, fwd_pkt_len_max: 100, fwd_pkt_len_mean: 37.5, fwd_pkt_len_std: 47.871355387816905 }],
    // bwd lengths 0, 300: mean 150, variance 2 * 150^2 / 1 = 45000
    ['backward packet lengths', { bwd_pkt_len_min: 0, bwd_pkt_len_max: 300, bwd_pkt_len_mean: 150, bwd_pkt_len_std: 212.13203435596427 }],
    // all 0, 0, 100, 300, 50, 0: mean 75; squared deviations 3 * 5625 + 625 + 50625 + 625 = 68750; / 5 = 13750
    ['all packet lengths', { pkt_len_min: 0, pkt_len_max: 300, pkt_len_mean: 75, pkt_len_var: 13750, pkt_len_std: 117.26039399558574 }],
    // gaps 1000, 2000, 4000, 6 000 000, 1000: sum 6 008 000 / 5
    ['flow inter-arrival times', { flow_iat_mean: 1_201_600, flow_iat_min: 1000, flow_iat_max: 6_000_000, flow_iat_std: 2682387.425410431 }],
    // fwd at 0, 3000, 6 007 000, 6 008 000: gaps 3000, 6 004 000, 1000
    ['forward inter-arrival times', { fwd_iat_total: 6_008_000, fwd_iat_mean: 2002666.6666666667, fwd_iat_min: 1000, fwd_iat_max: 6_004_000, fwd_iat_std: 3465256.4599656016 }],
    ['backward inter-arrival times', { bwd_iat_total: 6000, bwd_iat_mean: 6000, bwd_iat_min: 6000, bwd_iat_max: 6000, bwd_iat_std: 0 }],
    ['flags', {
      fwd_psh_flags: 2, bwd_psh_flags: 1, fwd_urg_flags: 1, bwd_urg_flags: 0,
      fin_flag_count: 1, syn_flag_count: 2, rst_flag_count: 0, psh_flag_count: 3, ack_flag_count: 5, urg_flag_count: 1, cwr_flag_count: 0, ece_flag_count: 0,
    }],
    ['header bytes', { fwd_header_bytes: 40 + 32 + 32 + 32, bwd_header_bytes: 40 + 32, fwd_seg_size_min: 32 }],
    ['initial windows and forward data packets', { init_win_bytes_fwd: 64240, init_win_bytes_bwd: 65160, fwd_act_data_pkts: 2 }],
    // one gap > 1 s: two subflows; fwd 4 packets / 150 B, bwd 2 packets / 300 B
    ['subflows', { subflow_fwd_pkts: 2, subflow_fwd_bytes: 75, subflow_bwd_pkts: 1, subflow_bwd_bytes: 150 }],
    // active 0..7000 (closed by the 6 s gap) and 6 007 000..6 008 000 (open at the end); idle 6 000 000
    ['active and idle', { active_mean: 4000, active_std: 4242.640687119285, active_max: 7000, active_min: 1000, idle_mean: 6_000_000, idle_std: 0, idle_max: 6_000_000, idle_min: 6_000_000 }],
    ['no bulk (no run of 4 data packets)', { fwd_bulk_bytes_avg: 0, fwd_bulk_pkts_avg: 0, fwd_bulk_rate_avg: 0, bwd_bulk_bytes_avg: 0, bwd_bulk_pkts_avg: 0, bwd_bulk_rate_avg: 0 }],
  ])('%s', (_name, expected) => {
    for (const [field, value] of Object.entries(expected)) expect([field, stats[field as keyof FlowStats]]).toEqual([field, expect.closeTo(value, 6)]);
  });

  it('uses the activity timeout option', () => {
    const longer = statsOf([p('c', SYN, 0, 0, 40), p('c', ACK, 6_000_000, 0, 32)], resolveFlowOptions({ activityTimeoutUs: 10_000_000 }));
    expect([longer.active_mean, longer.idle_mean]).toEqual([6_000_000, 0]);
  });
});

describe('FlowStats bulks (CICFlowMeter)', () => {
  const udp = (from: 'c' | 's', at: number, len: number): FlowPacket => packet({ from, at, len, proto: 17, serverPort: 9999 } as TestPacket);
  it.each<[string, FlowPacket[], Partial<FlowStats>]>([
    // 5 forward data packets 100 ms apart: one bulk of 5 packets, 1500 B, 400 ms -> 3750 B/s
    ['five forward data packets 100 ms apart make one bulk', [0, 1, 2, 3, 4].map((i) => udp('c', i * 100_000, (i + 1) * 100)),
      { fwd_bulk_bytes_avg: 1500, fwd_bulk_pkts_avg: 5, fwd_bulk_rate_avg: 3750, bwd_bulk_bytes_avg: 0 }],
    ['backward data in between breaks the run', [udp('c', 0, 100), udp('c', 10_000, 100), udp('s', 20_000, 50), udp('c', 30_000, 100), udp('c', 40_000, 100), udp('c', 50_000, 100)],
      { fwd_bulk_bytes_avg: 0, fwd_bulk_pkts_avg: 0, fwd_bulk_rate_avg: 0 }],
    ['a gap of more than 1 s breaks the run', [udp('c', 0, 100), udp('c', 10_000, 100), udp('c', 1_020_000, 100), udp('c', 1_030_000, 100)],
      { fwd_bulk_pkts_avg: 0 }],
    // two backward bulks: 4 x 10 B over 30 ms and 4 x 20 B over 30 ms (separated by forward data)
    ['two backward bulks', [
      udp('c', 0, 0), ...[0, 1, 2, 3].map((i) => udp('s', 1000 + i * 10_000, 10)), udp('c', 50_000, 1), ...[0, 1, 2, 3].map((i) => udp('s', 60_000 + i * 10_000, 20)),
    ], { bwd_bulk_bytes_avg: 60, bwd_bulk_pkts_avg: 4, bwd_bulk_rate_avg: 120 / 0.06 }],
  ])('%s', (_name, packets, expected) => {
    expect(statsOf(packets)).toMatchObject(expected);
  });
});

describe('FlowStats edge cases', () => {
  it('gives zeros for empty sets and -1 windows for a one-packet UDP flow', () => {
    const stats = statsOf([packet({ from: 'c', proto: 17, len: 30, serverPort: 53 })]);
    expect(stats).toMatchObject({
      fwd_pkt_len_min: 30, fwd_pkt_len_max: 30, fwd_pkt_len_std: 0, bwd_pkt_len_min: 0, bwd_pkt_len_max: 0, bwd_pkt_len_mean: 0,
      flow_iat_mean: 0, flow_iat_min: 0, flow_iat_max: 0, fwd_iat_total: 0, bwd_iat_total: 0,
      init_win_bytes_fwd: -1, init_win_bytes_bwd: -1, fwd_header_bytes: 8, bwd_header_bytes: 0, fwd_seg_size_min: 8,
      active_mean: 0, idle_mean: 0, subflow_fwd_pkts: 1, subflow_fwd_bytes: 30, syn_flag_count: 0,
    });
  });

  it('keeps -1 for a TCP direction that never sent', () => {
    expect(statsOf([packet({ from: 'c', flags: F.SYN, win: 1024 })])).toMatchObject({ init_win_bytes_fwd: 1024, init_win_bytes_bwd: -1 });
  });

  it('counts CWR and ECE', () => {
    expect(statsOf([packet({ from: 'c', flags: F.SYN | F.ECE | F.CWR }), packet({ from: 's', flags: F.SYN | F.ACK | F.ECE, at: 5 })]))
      .toMatchObject({ cwr_flag_count: 1, ece_flag_count: 2, syn_flag_count: 2, ack_flag_count: 1 });
  });

  it('counts a reordered packet as a zero gap', () => {
    expect(statsOf([packet({ from: 'c', proto: 17, at: 1000 }), packet({ from: 'c', proto: 17, at: 0 })]))
      .toMatchObject({ flow_iat_min: 0, flow_iat_max: 0, fwd_iat_total: 0 });
  });

  it('stays exact for large times with a small spread (Welford)', () => {
    const packets = [0, 1, 2, 3].map((i) => packet({ from: 'c', proto: 17, at: 1_000_000_000 * i + (i % 2) }));
    // gaps 1e9 + 1, 1e9 - 1, 1e9 + 1: mean 1e9 + 1/3, sample variance 4/3
    expect(statsOf(packets).flow_iat_std).toBeCloseTo(Math.sqrt(4 / 3), 6);
  });
});
