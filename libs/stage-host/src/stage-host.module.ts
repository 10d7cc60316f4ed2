import { Module, type DynamicModule } from '@nestjs/common';
import { loadConfig, type IdsConfig } from '@ids/config';
import { createLogger, StageMetrics, type Logger } from '@ids/observability';
import type { StageDefinition } from './stage-definition';
import { HealthController } from './health.controller';
import { StageLifecycle } from './stage-lifecycle.service';
import { IDS_CONFIG, IDS_LOGGER, STAGE_DEFINITION, STAGE_METRICS } from './stage-host.tokens';

/**
 * The Nest shell every stage app shares: typed configuration validated at start-up, a structured
 * logger, Prometheus metrics, `/health` and `/metrics`, and the stage's lifecycle. The data plane
 * is the stage's own runtime (consumer-group batches), not Nest's per-message handlers.
 */
@Module({})
export class StageHostModule {
  static forStage(stage: StageDefinition, config: IdsConfig = loadConfig(), logger: Logger = createLogger(`ids-${stage.name}`, config.log.level)): DynamicModule {
    return {
      module: StageHostModule,
      controllers: [HealthController],
      providers: [
        { provide: STAGE_DEFINITION, useValue: stage },
        { provide: IDS_CONFIG, useValue: config },
        { provide: IDS_LOGGER, useValue: logger },
        { provide: STAGE_METRICS, useValue: new StageMetrics(stage.name) },
        StageLifecycle,
      ],
    };
  }
}
