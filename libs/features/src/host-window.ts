import type { FeatureValues } from './flow-features';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import type { WindowConnection } from './window-connection';
import { share } from './window-rate';

/** Recent connections to one responder host, oldest first. */
export interface HostWindowState {
  v: 1;
  conns: WindowConnection[];
}

export interface WindowStep {
  state: { v: 1; conns: WindowConnection[] };
  features: FeatureValues;
  /** Connections dropped because the window hit `maxConnectionsPerKey`. */
  evicted: number;
}

/**
 * NSL-KDD's same-host features for `conn`, the connection ending now, given the earlier
 * connections to its responder host: the 2-second ones (count, serror_rate, rerror_rate,
 * same_srv_rate, diff_srv_rate) and the last-100 ones (dst_host_*). `conn` counts itself.
 * Connections must arrive in `compareConnections` order.
 */
export function observeHost(state: HostWindowState | null, conn: WindowConnection, options: WindowOptions = DEFAULT_WINDOW_OPTIONS): WindowStep {
  const conns = [...(state?.conns ?? []), conn];
  const since = conn.endUs - options.timeWindowUs;
  const recent = conns.filter((c) => c.endUs >= since);
  const last = conns.slice(-options.hostWindowConnections);
  const sameSrvRecent = recent.filter((c) => c.service === conn.service).length;
  const sameSrv = last.filter((c) => c.service === conn.service);
  const features: FeatureValues = {
    count: recent.length,
    serror_rate: share(recent.filter((c) => c.serror).length, recent.length),
    rerror_rate: share(recent.filter((c) => c.rerror).length, recent.length),
    same_srv_rate: share(sameSrvRecent, recent.length),
    diff_srv_rate: share(recent.length - sameSrvRecent, recent.length),
    dst_host_count: last.length,
    dst_host_srv_count: sameSrv.length,
    dst_host_same_srv_rate: share(sameSrv.length, last.length),
    dst_host_diff_srv_rate: share(last.length - sameSrv.length, last.length),
    dst_host_same_src_port_rate: share(last.filter((c) => c.origP === conn.origP).length, last.length),
    dst_host_srv_diff_host_rate: share(sameSrv.filter((c) => c.origH !== conn.origH).length, sameSrv.length),
    dst_host_serror_rate: share(last.filter((c) => c.serror).length, last.length),
    dst_host_srv_serror_rate: share(sameSrv.filter((c) => c.serror).length, sameSrv.length),
    dst_host_rerror_rate: share(last.filter((c) => c.rerror).length, last.length),
    dst_host_srv_rerror_rate: share(sameSrv.filter((c) => c.rerror).length, sameSrv.length),
  };
  // Keep what a later connection can still need: the last N, and everything inside the time window.
  const keepFrom = Math.max(0, conns.length - options.hostWindowConnections);
  let kept = conns.filter((c, i) => i >= keepFrom || c.endUs >= since);
  const evicted = Math.max(0, kept.length - options.maxConnectionsPerKey);
  if (evicted > 0) kept = kept.slice(evicted);
  return { state: { v: 1, conns: kept }, features, evicted };
}
