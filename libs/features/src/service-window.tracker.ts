import type { FeatureValues } from './flow-features';
import { ConnectionQueue } from './connection-queue';
import { observeService } from './service-window';
import { Tally } from './tally';
import type { WindowConnection } from './window-connection';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import { inEndTimeOrder, type WindowSnapshot, type WindowTracker } from './window-tracker';

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * `observeService` with running counts: what it holds is the 2-second window itself (in end-time
 * order, a suffix of what the service has seen), so a connection enters at the back and the ones
 * that fell out of the window, or past the bound, leave at the front. Out of end-time order it
 * answers with `observeService` until what it holds is in order again, as `HostWindowTracker` does.
 */
export class ServiceWindowTracker implements WindowTracker {
  private readonly queue = new ConnectionQueue();
  private ordered = true;
  private serror = 0;
  private rerror = 0;
  private readonly byRespH = new Tally<string>();
  private readonly fast: boolean;

  constructor(private readonly options: WindowOptions = DEFAULT_WINDOW_OPTIONS, snapshot: WindowSnapshot | null = null) {
    const { maxConnectionsPerKey: max, timeWindowUs } = options;
    this.fast = Number.isInteger(max) && max >= 1 && !Number.isNaN(timeWindowUs);
    this.load(snapshot?.conns ?? []);
  }

  get newestEndUs(): number | undefined {
    return this.queue.newest?.endUs;
  }

  toJSON(): WindowSnapshot {
    return { v: 1, conns: this.queue.toArray() };
  }

  observe(conn: WindowConnection): { features: FeatureValues; evicted: number } {
    const newest = this.queue.newest;
    if (!this.fast || !this.ordered || !Number.isFinite(conn.endUs) || (newest !== undefined && conn.endUs < newest.endUs)) {
      const step = observeService(this.toJSON(), conn, this.options);
      this.load(step.state.conns);
      return { features: step.features, evicted: step.evicted };
    }
    const q = this.queue;
    const since = conn.endUs - this.options.timeWindowUs;
    // Only the earlier connections are filtered by time: the current one always counts itself.
    while (q.size > 0 && q.at(q.start).endUs < since) this.leave(q.at(q.start), q.start + 1);
    q.push(conn);
    this.enter(conn);
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

  private load(conns: readonly WindowConnection[]): void {
    this.queue.dropBefore(this.queue.end);
    this.serror = this.rerror = 0;
    this.byRespH.clear();
    this.ordered = inEndTimeOrder(conns);
    for (const c of conns) {
      this.queue.push(c);
      if (this.ordered) this.enter(c);
    }
  }

  private enter(c: WindowConnection): void {
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
