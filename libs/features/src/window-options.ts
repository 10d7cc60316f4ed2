/** NSL-KDD's window sizes, and the bound on what a window remembers. */
export interface WindowOptions {
  /** The time-based window: connections that ended within this long before the current one. */
  timeWindowUs: number;
  /** The host-based window: this many most recent connections to the same host. */
  hostWindowConnections: number;
  /**
   * At most this many connections kept per host or service: during a flood the 2-second window can
   * hold far more; beyond the bound the oldest are forgotten (and counted), so counts saturate.
   */
  maxConnectionsPerKey: number;
}

export const DEFAULT_WINDOW_OPTIONS: Readonly<WindowOptions> = Object.freeze({
  timeWindowUs: 2_000_000,
  hostWindowConnections: 100,
  maxConnectionsPerKey: 2_048,
});
