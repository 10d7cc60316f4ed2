import type { FlowRecord } from '@ids/contracts';
import { FEATURE_NAMES, FEATURES } from './feature-catalog';
import { FeatureMissingError, toFeatureVector } from './feature-vector';
import { flowFeatures } from './flow-features';
import { observeHost, type HostWindowState } from './host-window';
import { observeService, type ServiceWindowState } from './service-window';
import { compareConnections, windowConnection, type WindowConnection } from './window-connection';

const flow = (over: Partial<FlowRecord> = {}): FlowRecord => ({
  uid: 'C1', flow_id: 1, flow_key: '6/0/10.0.0.1/40000/10.0.0.2/80', ts_us: 1_000_000, last_ts_us: 3_000_000, duration_us: 2_000_000,
  proto: 'tcp', ip_proto: 6, vlan: null, orig_h: '10.0.0.1', orig_p: 40000, resp_h: '10.0.0.2', resp_p: 80, service: 'http',
  orig_pkts: 6, resp_pkts: 4, orig_bytes: 300, resp_bytes: 1700, orig_ip_bytes: 0, resp_ip_bytes: 0, orig_wire_bytes: 0, resp_wire_bytes: 0,
  conn_state: 'SF', history: 'ShADadFf', close_reason: 'FIN', stats: null, ...over,
});

const conn = (endS: number, over: Partial<WindowConnection> = {}): WindowConnection => ({
  endUs: endS * 1_000_000, uid: `C${endS}`, origH: '10.0.0.1', origP: 40000, respH: '10.0.0.2', service: 'tcp/80', serror: false, rerror: false, ...over,
});

describe('feature catalog', () => {
  it('names every feature once', () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(FEATURES.every((f) => f.description.length > 0 && f.reference.length > 0)).toBe(true);
  });

  it('is exactly what the flow, host and service computations produce', () => {
    const host = observeHost(null, conn(1)).features;
    const service = observeService(null, conn(1)).features;
    const produced = [...Object.keys(flowFeatures(flow())), ...Object.keys(host), ...Object.keys(service)].sort();
    expect(produced).toEqual([...FEATURE_NAMES].sort());
  });
});

describe('flowFeatures', () => {
  it('derives rates, ratios and KDD basics from the counters (hand-computed)', () => {
    const v = flowFeatures(flow());
    expect(v).toMatchObject({
      flow_duration: 2_000_000, duration: 2, flow_bytes_s: 1000, flow_pkts_s: 5, fwd_pkts_s: 3, bwd_pkts_s: 2,
      down_up_ratio: 4 / 6, pkt_size_avg: 200, fwd_seg_size_avg: 50, bwd_seg_size_avg: 425,
      protocol_type: 1, service: 6, flag: 9, src_bytes: 300, dst_bytes: 1700, land: 0,
      init_fwd_win_byts: -1, init_bwd_win_byts: -1,
    });
  });

  it.each([
    ['zero duration', { duration_us: 0 }, { flow_bytes_s: 0, flow_pkts_s: 0 }],
    ['land attack', { orig_h: '10.0.0.2', orig_p: 80 }, { land: 1 }],
    ['unknown conn_state maps to OTH', { conn_state: 'SHR' }, { flag: 0 }],
    ['REJ', { conn_state: 'REJ' }, { flag: 1 }],
    ['udp, no service', { proto: 'udp', ip_proto: 17, service: null }, { protocol_type: 2, service: 0 }],
  ])('%s', (_name, over, expected) => {
    expect(flowFeatures(flow(over as Partial<FlowRecord>))).toMatchObject(expected);
  });

  it('copies the CICFlowMeter statistics under their CIC names', () => {
    const stats = Object.fromEntries(['fwd_iat_total', 'urg_flag_count', 'init_win_bytes_fwd', 'fwd_header_bytes'].map((k, i) => [k, i + 10]));
    const v = flowFeatures(flow({ stats: stats as unknown as FlowRecord['stats'] }));
    expect(v).toMatchObject({ fwd_iat_tot: 10, urg_flag_cnt: 11, urgent: 11, init_fwd_win_byts: 12, fwd_header_len: 13, fwd_iat_mean: 0 });
  });
});

describe('observeHost (NSL-KDD same-host features)', () => {
  const run = (conns: WindowConnection[]) => {
    let state: HostWindowState | null = null;
    let last = {} as Record<string, number>;
    for (const c of conns) ({ state, features: last } = observeHost(state, c));
    return { state: state!, last };
  };

  it('counts the 2-second window and the last-100 window, the current connection included', () => {
    const { last } = run([
      conn(0.5, { uid: 'a', serror: true }), // outside 2 s of t=3
      conn(1.5, { uid: 'b', service: 'tcp/22', origH: '10.0.0.9' }),
      conn(2.0, { uid: 'c', rerror: true, origP: 1 }),
      conn(3.0, { uid: 'd', serror: true, origP: 1 }),
    ]);
    // 2 s window at t=3: b, c, d. Last 100: a, b, c, d.
    expect(last).toEqual({
      count: 3, serror_rate: 1 / 3, rerror_rate: 1 / 3, same_srv_rate: 2 / 3, diff_srv_rate: 1 / 3,
      dst_host_count: 4, dst_host_srv_count: 3, dst_host_same_srv_rate: 3 / 4, dst_host_diff_srv_rate: 1 / 4,
      dst_host_same_src_port_rate: 2 / 4, dst_host_srv_diff_host_rate: 0, dst_host_serror_rate: 2 / 4,
      dst_host_srv_serror_rate: 2 / 3, dst_host_rerror_rate: 1 / 4, dst_host_srv_rerror_rate: 1 / 3,
    });
  });

  it('keeps at most 100 connections for the host window, plus the 2-second ones', () => {
    const conns = Array.from({ length: 150 }, (_, i) => conn(i * 10, { uid: `u${String(i).padStart(3, '0')}` }));
    const { state, last } = run(conns);
    expect(last.dst_host_count).toBe(100);
    expect(last.count).toBe(1);
    expect(state.conns).toHaveLength(100);
  });

  it('bounds a flooded window and reports what it forgot', () => {
    let state: HostWindowState | null = null;
    let evicted = 0;
    const options = { timeWindowUs: 2_000_000, hostWindowConnections: 100, maxConnectionsPerKey: 150 };
    for (let i = 0; i < 200; i++) ({ state, evicted } = { ...observeHost(state, conn(1, { uid: `f${i}` }), options) });
    expect(state!.conns).toHaveLength(150);
    expect(evicted).toBe(1);
  });
});

describe('observeService (NSL-KDD same-service time features)', () => {
  it('counts connections to the service on any host within 2 seconds', () => {
    let state: ServiceWindowState | null = null;
    let features = {} as Record<string, number>;
    for (const c of [
      conn(0.9, { uid: 'a' }),
      conn(1.2, { uid: 'b', respH: '10.0.0.3', serror: true }),
      conn(2.5, { uid: 'c', respH: '10.0.0.4', rerror: true }),
      conn(3.0, { uid: 'd' }),
    ]) ({ state, features } = observeService(state, c));
    // At t=3: b, c, d (a ended 2.1 s before).
    expect(features).toEqual({ srv_count: 3, srv_serror_rate: 1 / 3, srv_rerror_rate: 1 / 3, srv_diff_host_rate: 2 / 3 });
    expect(state!.conns.map((c) => c.uid)).toEqual(['b', 'c', 'd']);
  });
});

describe('windowConnection and ordering', () => {
  it('classifies SYN errors and rejections the way KDD does', () => {
    expect(['S0', 'S1', 'S2', 'S3', 'SF', 'REJ'].map((s) => windowConnection(flow({ conn_state: s }), 0)).map((c) => [c.serror, c.rerror]))
      .toEqual([[true, false], [true, false], [true, false], [true, false], [false, false], [false, true]]);
  });

  it('orders by end time, then uid', () => {
    const list = [conn(2, { uid: 'b' }), conn(1, { uid: 'z' }), conn(2, { uid: 'a' })].sort(compareConnections);
    expect(list.map((c) => c.uid)).toEqual(['z', 'a', 'b']);
  });
});

describe('toFeatureVector', () => {
  it('lays the values out in catalog order', () => {
    const values = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i]));
    expect(toFeatureVector('C1', values)).toEqual(FEATURE_NAMES.map((_, i) => i));
  });

  it('names every missing or non-finite feature', () => {
    const values = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1]));
    delete values.count;
    values.duration = Number.NaN;
    expect(() => toFeatureVector('C9', values)).toThrow(new FeatureMissingError('C9', ['duration', 'count']));
  });
});
