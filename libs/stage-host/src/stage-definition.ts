import type { IdsConfig } from '@ids/config';
import type { Logger, StageMetrics } from '@ids/observability';

/** What a stage app runs: started after Nest boots, stopped on shutdown. */
export interface StageRunnable {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Set by a stage that finishes by itself (a capture replaying a file): the app exits after it. */
  done?: Promise<void>;
  /** Health detail for `/health`. */
  health?(): Record<string, unknown>;
}

export interface StageDefinition {
  name: string;
  create(deps: { config: IdsConfig; logger: Logger; metrics: StageMetrics }): Promise<StageRunnable>;
}
