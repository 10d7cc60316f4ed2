import type { FeatureValues } from './flow-features';
import { observeHost } from './host-window';
import { Tally } from './tally';
import type { WindowConnection } from './window-connection';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import { RunningWindowTracker, type WindowSnapshot } from './window-tracker';
import { share } from './window-rate';

/** Counts over the last-N connections that share one service. */
interface ServiceCounts {
  count: number;
  serror: number;
  rerror: number;
  byOrigH: Tally<string>;
}

/**
 * `observeHost` with running counts. The held connections are a suffix of what the host has seen
 * (in end-time order), and both windows are suffixes of them: the 2-second one starts at `timeFrom`,
 * the last-N one at `lastFrom`. A connection enters both at the back; each cursor only moves
 * forward, taking what it passes out of its counts. A connection out of end-time order makes the
 * windows no longer suffixes (RunningWindowTracker then answers with `observeHost`).
 */
export class HostWindowTracker extends RunningWindowTracker {
  private timeFrom = 0;
  private timeSerror = 0;
  private timeRerror = 0;
  private readonly timeServices = new Tally<string>();
  private lastFrom = 0;
  private lastSerror = 0;
  private lastRerror = 0;
  private readonly lastOrigP = new Tally<number>();
  private readonly lastServices = new Map<string, ServiceCounts>();

  constructor(options: WindowOptions = DEFAULT_WINDOW_OPTIONS, snapshot: WindowSnapshot | null = null) {
    const { hostWindowConnections: n, maxConnectionsPerKey: max, timeWindowUs } = options;
    super(options, Number.isInteger(n) && n >= 1 && Number.isInteger(max) && max >= 1 && !Number.isNaN(timeWindowUs));
    this.load(snapshot?.conns ?? []);
  }

  protected reference(snapshot: WindowSnapshot, conn: WindowConnection) {
    return observeHost(snapshot, conn, this.options);
  }

  protected observeInOrder(conn: WindowConnection): { features: FeatureValues; evicted: number } {
    const q = this.queue;
    q.push(conn);
    this.enterTime(conn);
    this.enterLast(conn);
    const since = conn.endUs - this.options.timeWindowUs;
    while (this.timeFrom < q.end && q.at(this.timeFrom).endUs < since) this.leaveTime(q.at(this.timeFrom++));
    const lastFrom = Math.max(q.start, q.end - this.options.hostWindowConnections);
    while (this.lastFrom < lastFrom) this.leaveLast(q.at(this.lastFrom++));

    const recent = q.end - this.timeFrom;
    const sameSrvRecent = this.timeServices.get(conn.service);
    const last = q.end - this.lastFrom;
    const srv = this.lastServices.get(conn.service);
    const sameSrv = srv?.count ?? 0;
    const features: FeatureValues = {
      count: recent,
      serror_rate: share(this.timeSerror, recent),
      rerror_rate: share(this.timeRerror, recent),
      same_srv_rate: share(sameSrvRecent, recent),
      diff_srv_rate: share(recent - sameSrvRecent, recent),
      dst_host_count: last,
      dst_host_srv_count: sameSrv,
      dst_host_same_srv_rate: share(sameSrv, last),
      dst_host_diff_srv_rate: share(last - sameSrv, last),
      dst_host_same_src_port_rate: share(this.lastOrigP.get(conn.origP), last),
      dst_host_srv_diff_host_rate: share(sameSrv - (srv?.byOrigH.get(conn.origH) ?? 0), sameSrv),
      dst_host_serror_rate: share(this.lastSerror, last),
      dst_host_srv_serror_rate: share(srv?.serror ?? 0, sameSrv),
      dst_host_rerror_rate: share(this.lastRerror, last),
      dst_host_srv_rerror_rate: share(srv?.rerror ?? 0, sameSrv),
    };

    // Keep what a later connection can still need (the union of both windows), then the bound.
    let keepFrom = Math.min(this.timeFrom, this.lastFrom);
    const evicted = Math.max(0, q.end - keepFrom - this.options.maxConnectionsPerKey);
    keepFrom += evicted;
    while (this.timeFrom < keepFrom) this.leaveTime(q.at(this.timeFrom++));
    while (this.lastFrom < keepFrom) this.leaveLast(q.at(this.lastFrom++));
    q.dropBefore(keepFrom);
    return { features, evicted };
  }

  /** Both windows hold everything loaded until the next connection moves the cursors. */
  protected resetCounts(): void {
    this.timeFrom = this.lastFrom = this.queue.end;
    this.timeSerror = this.timeRerror = this.lastSerror = this.lastRerror = 0;
    this.timeServices.clear();
    this.lastOrigP.clear();
    this.lastServices.clear();
  }

  protected enterLoaded(c: WindowConnection): void {
    this.enterTime(c);
    this.enterLast(c);
  }

  private enterTime(c: WindowConnection): void {
    if (c.serror) this.timeSerror++;
    if (c.rerror) this.timeRerror++;
    this.timeServices.add(c.service);
  }

  private leaveTime(c: WindowConnection): void {
    if (c.serror) this.timeSerror--;
    if (c.rerror) this.timeRerror--;
    this.timeServices.remove(c.service);
  }

  private enterLast(c: WindowConnection): void {
    if (c.serror) this.lastSerror++;
    if (c.rerror) this.lastRerror++;
    this.lastOrigP.add(c.origP);
    let srv = this.lastServices.get(c.service);
    if (!srv) this.lastServices.set(c.service, (srv = { count: 0, serror: 0, rerror: 0, byOrigH: new Tally<string>() }));
    srv.count++;
    if (c.serror) srv.serror++;
    if (c.rerror) srv.rerror++;
    srv.byOrigH.add(c.origH);
  }

  private leaveLast(c: WindowConnection): void {
    if (c.serror) this.lastSerror--;
    if (c.rerror) this.lastRerror--;
    this.lastOrigP.remove(c.origP);
    const srv = this.lastServices.get(c.service)!;
    srv.count--;
    if (c.serror) srv.serror--;
    if (c.rerror) srv.rerror--;
    srv.byOrigH.remove(c.origH);
    if (srv.count === 0) this.lastServices.delete(c.service);
  }
}
