import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';

/** Whether the registry has read its store and can answer. */
export interface Readiness { readonly ready: boolean }

export const READINESS = Symbol('READINESS');

@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: Readiness) {}

  /** Confluent answers `{}` at the root; clients use it as a ping. */
  @Get()
  root(): Record<string, never> {
    return {};
  }

  @Get('health')
  health(): { status: 'UP' } {
    if (!this.readiness.ready) throw new ServiceUnavailableException('the schema store is not ready');
    return { status: 'UP' };
  }
}
