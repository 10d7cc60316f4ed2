import { HealthController, isHealthy } from './health.controller';
import type { StageLifecycle } from './stage-lifecycle.service';
import type { StageMetrics } from '@ids/observability';

describe('isHealthy', () => {
  it.each([
    ['running, nothing crashed', { status: 'running', crashed: [] }, true],
    ['running, a stage without consumers', { status: 'running' }, true],
    ['starting', { status: 'starting' }, false],
    ['stopped', { status: 'stopped', crashed: [] }, false],
    ['failed to start', { status: 'failed' }, false],
    ['running with a crashed consumer', { status: 'running', crashed: ['ids-flows'] }, false],
  ])('%s', (_name, health, healthy) => {
    expect(isHealthy(health)).toBe(healthy);
  });
});

describe('GET /health', () => {
  const answer = (health: Record<string, unknown>) => {
    const controller = new HealthController({ health: () => health } as unknown as StageLifecycle, {} as StageMetrics);
    const codes: number[] = [];
    const body = controller.health({ status: (code: number) => codes.push(code) });
    return { body, codes };
  };

  it('answers the body with the default 200 while healthy', () => {
    expect(answer({ stage: 'flows', status: 'running', crashed: [] })).toEqual({ body: { stage: 'flows', status: 'running', crashed: [] }, codes: [] });
  });

  it('answers 503 with the same body otherwise', () => {
    expect(answer({ stage: 'flows', status: 'running', crashed: ['ids-flows'] })).toEqual({ body: { stage: 'flows', status: 'running', crashed: ['ids-flows'] }, codes: [503] });
    expect(answer({ stage: 'sink', status: 'starting' }).codes).toEqual([503]);
  });
});
