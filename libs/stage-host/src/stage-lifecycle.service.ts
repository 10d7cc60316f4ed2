import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { IdsConfig } from '@ids/config';
import type { Logger, StageMetrics } from '@ids/observability';
import type { StageDefinition, StageRunnable } from './stage-definition';
import { IDS_CONFIG, IDS_LOGGER, STAGE_DEFINITION, STAGE_METRICS } from './stage-host.tokens';

const STOP_TIMEOUT_MS = 20_000;
const START_ATTEMPTS = 8;

/** KafkaJS marks transient errors `retriable`; after its own retries it wraps them in `cause`. */
function isRetriable(error: unknown): boolean {
  for (let e = error as { retriable?: boolean; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.retriable === true) return true;
  }
  return false;
}

/** Starts the stage once Nest is up and stops it on shutdown (SIGTERM, SIGINT). */
@Injectable()
export class StageLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private runnable?: StageRunnable;
  private state: 'starting' | 'running' | 'stopped' | 'failed' = 'starting';

  constructor(
    @Inject(STAGE_DEFINITION) private readonly stage: StageDefinition,
    @Inject(IDS_CONFIG) private readonly config: IdsConfig,
    @Inject(IDS_LOGGER) private readonly logger: Logger,
    @Inject(STAGE_METRICS) private readonly metrics: StageMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.runnable = await this.stage.create({ config: this.config, logger: this.logger, metrics: this.metrics });
        await this.runnable.start();
        this.state = 'running';
        this.logger.info({ stage: this.stage.name }, 'stage running');
        return;
      } catch (error) {
        // Stages starting together on a fresh cluster race to create the topics, and metadata
        // takes a moment to reach every broker: such errors are retriable, so start again.
        await this.runnable?.stop().catch(() => undefined);
        this.runnable = undefined;
        if (!isRetriable(error) || attempt >= START_ATTEMPTS) {
          this.state = 'failed';
          throw error;
        }
        this.logger.warn({ stage: this.stage.name, attempt, err: (error as Error).message }, 'stage start failed with a retriable error; retrying');
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ stage: this.stage.name, signal }, 'stage stopping');
    // A consumer leaving its group in the middle of a rebalance can wait on the broker for long;
    // nothing uncommitted is lost by not waiting (the next owner of a partition resumes from its
    // committed offset), so the stop is bounded.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS); });
    const result = await Promise.race([this.runnable?.stop().then(() => 'stopped' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') this.logger.warn({ stage: this.stage.name, timeoutMs: STOP_TIMEOUT_MS }, 'stage did not stop in time; exiting anyway');
    this.state = 'stopped';
  }

  get done(): Promise<void> | undefined {
    return this.runnable?.done;
  }

  health(): Record<string, unknown> {
    return { stage: this.stage.name, status: this.state, ...(this.runnable?.health?.() ?? {}) };
  }
}
