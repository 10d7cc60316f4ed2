import { createHash } from 'node:crypto';
import type { DetectionMethod } from '@ids/contracts';

/**
 * The idempotency key of an alert in ClickHouse: a hash of what makes it one alert — the flow,
 * the method, and the sid (`gid:sid`) or the label. A replay or a re-delivery gives the same id.
 */
export function alertId(flowId: number, method: DetectionMethod, what: string): string {
  return createHash('sha256').update(`${flowId}|${method}|${what}`).digest('hex').slice(0, 32);
}
