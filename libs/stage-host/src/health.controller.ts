import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { StageMetrics } from '@ids/observability';
import { STAGE_METRICS } from './stage-host.tokens';
import { StageLifecycle } from './stage-lifecycle.service';

/** Running, and no consumer that KafkaJS gave up on. */
export function isHealthy(health: Record<string, unknown>): boolean {
  const crashed = health.crashed;
  return health.status === 'running' && !(Array.isArray(crashed) && crashed.length > 0);
}

@Controller()
export class HealthController {
  constructor(
    private readonly lifecycle: StageLifecycle,
    @Inject(STAGE_METRICS) private readonly metrics: StageMetrics,
  ) {}

  /**
   * 200 while the stage runs with every consumer alive, else 503 with the same body, so that a
   * readiness or liveness probe needs only the status code (`status`, `crashed` say why).
   */
  @Get('health')
  health(@Res({ passthrough: true }) res: { status(code: number): unknown }): Record<string, unknown> {
    const body = this.lifecycle.health();
    if (!isHealthy(body)) res.status(503);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
