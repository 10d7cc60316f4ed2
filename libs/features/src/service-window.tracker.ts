import type { FeatureValues } from './flow-features';
import { observeService } from './service-window';
import { Tally } from './tally';
import type { WindowConnection } from './window-connection';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import { RunningWindowTracker, type WindowSnapshot } from './window-tracker';
import { share } from './window-rate';

/**
 * `observeService` with running counts: what it holds is the 2-second window itself (in end-time
 * order, a suffix of what the service has seen), so a connection enters at the back and the ones
 * that fell out of the window, or past the bound, leave at the front (out of end-time order:
 * RunningWindowTracker).
 */
export class ServiceWindowTracker extends RunningWindowTracker {
  private serror = 0;
  private rerror = 0;
  private readonly byRespH = new Tally<string>();

  constructor(options: WindowOptions = DEFAULT_WINDOW_OPTIONS, snapshot: WindowSnapshot | null = null) {
    const { maxConnectionsPerKey: max, timeWindowUs } = options;
    super(options, Number.isInteger(max) && max >= 1 && !Number.isNaN(timeWindowUs));
    this.load(snapshot?.conns ?? []);
  }

  protected reference(snapshot: WindowSnapshot, conn: WindowConnection) {
    return observeService(snapshot, conn, this.options);
  }

  protected observeInOrder(conn: WindowConnection): { features: FeatureValues; evicted: number } {
    const q = this.queue;
    const since = conn.endUs - this.options.timeWindowUs;
    // Only the earlier connections are filtered by time: the current one always counts itself.
    while (q.size > 0 && q.at(q.start).endUs < since) this.leave(q.at(q.start), q.start + 1);
    q.push(conn);
    this.enterLoaded(conn);
    const n = q.size;
    const features: FeatureValues = {
      srv_count: n,
      srv_serror_rate: share(this.serror, n),
      srv_rerror_rate: share(this.rerror, n),
      srv_diff_host_rate: share(n - this.byRespH.get(conn.respH), n),
    };
    const evicted = Math.max(0, n - this.options.maxConnectionsPerKey);
    for (let i = 0; i < evicted; i++) this.leave(q.at(q.start), q.start + 1);
    return { features, evicted };
  }

  protected resetCounts(): void {
    this.serror = this.rerror = 0;
    this.byRespH.clear();
  }

  protected enterLoaded(c: WindowConnection): void {
    if (c.serror) this.serror++;
    if (c.rerror) this.rerror++;
    this.byRespH.add(c.respH);
  }

  /** Takes `c`, the oldest held, out of the counts and the queue. */
  private leave(c: WindowConnection, next: number): void {
    if (c.serror) this.serror--;
    if (c.rerror) this.rerror--;
    this.byRespH.remove(c.respH);
    this.queue.dropBefore(next);
  }
}
