import type { IdsConfig } from '@ids/config';
import { InferenceEngine, type InferenceEngineOptions } from '@ids/inference';
import type { Logger, StageMetrics } from '@ids/observability';
import { inferenceTopology } from '@ids/stages';
import type { StageDefinition } from '../stage-definition';
import { topologyStage } from './topology-stage';

export function inferenceEngineOptions(config: IdsConfig, logger: Logger, metrics?: StageMetrics): InferenceEngineOptions {
  const i = config.inference;
  return {
    modelsDir: i.modelsDir, provider: i.provider, poolSize: i.workers, maxBatch: i.maxBatch, maxWaitMs: i.maxWaitMs,
    cacheTtlMs: i.cacheTtlS * 1000, logger, metricsRegistry: metrics?.registry,
  };
}

/** ids.features.v1 → ONNX Runtime (worker pool, micro-batches, cache, hot-reloaded models) → ids.ml-scores.v1. */
export const inferenceStage: StageDefinition = {
  name: 'inference',
  async create(deps) {
    const engine = await InferenceEngine.create(inferenceEngineOptions(deps.config, deps.logger, deps.metrics));
    deps.logger.info({ provider: engine.provider, models: Object.fromEntries(engine.modelPlacements) }, 'inference engine ready');
    const runnable = await topologyStage('inference', () => inferenceTopology(engine)).create(deps);
    return {
      ...runnable,
      stop: async () => { await runnable.stop(); await engine.close(); },
      health: () => ({ ...runnable.health?.(), provider: engine.provider, models: engine.models.id }),
    };
  },
};
