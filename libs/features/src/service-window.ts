import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import type { WindowConnection } from './window-connection';
import type { WindowStep } from './host-window';
import { share } from './window-rate';

/** Recent connections to one service (protocol and responder port) on any host, oldest first. */
export interface ServiceWindowState {
  v: 1;
  conns: WindowConnection[];
}

/**
 * NSL-KDD's same-service time features for `conn` (srv_count, srv_serror_rate, srv_rerror_rate,
 * srv_diff_host_rate) over the connections to its service that ended in the last 2 seconds, itself
 * included. Connections must arrive in `compareConnections` order.
 */
export function observeService(state: ServiceWindowState | null, conn: WindowConnection, options: WindowOptions = DEFAULT_WINDOW_OPTIONS): WindowStep {
  const since = conn.endUs - options.timeWindowUs;
  let conns = [...(state?.conns ?? []).filter((c) => c.endUs >= since), conn];
  const evicted = Math.max(0, conns.length - options.maxConnectionsPerKey);
  const features = {
    srv_count: conns.length,
    srv_serror_rate: share(conns.filter((c) => c.serror).length, conns.length),
    srv_rerror_rate: share(conns.filter((c) => c.rerror).length, conns.length),
    srv_diff_host_rate: share(conns.filter((c) => c.respH !== conn.respH).length, conns.length),
  };
  if (evicted > 0) conns = conns.slice(evicted);
  return { state: { v: 1, conns }, features, evicted };
}
