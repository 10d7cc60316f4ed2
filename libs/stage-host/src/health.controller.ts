import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { StageMetrics } from '@ids/observability';
import { STAGE_METRICS } from './stage-host.tokens';
import { StageLifecycle } from './stage-lifecycle.service';

@Controller()
export class HealthController {
  constructor(
    private readonly lifecycle: StageLifecycle,
    @Inject(STAGE_METRICS) private readonly metrics: StageMetrics,
  ) {}

  @Get('health')
  health(): Record<string, unknown> {
    return this.lifecycle.health();
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
