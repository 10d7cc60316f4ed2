import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the inference engine, registered on the registry the host passes in. */
export class InferenceMetrics {
  readonly requests: Counter;
  readonly successes: Counter;
  readonly failures: Counter<'reason'>;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly batchSeconds: Histogram;
  readonly batches: Counter;
  readonly batchSize: Histogram;
  readonly queueDepth: Gauge;
  readonly workerRestarts: Counter;
  readonly provider: Gauge<'model' | 'version' | 'provider' | 'fp16'>;
  readonly reloads: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    // one registry may host two engines in tests: reuse a metric already declared
    const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
    this.requests = reuse('ids_inference_requests_total', () => new Counter({ name: 'ids_inference_requests_total', help: 'Vectors submitted for scoring.', registers }));
    this.successes = reuse('ids_inference_success_total', () => new Counter({ name: 'ids_inference_success_total', help: 'Vectors scored (cache hits included).', registers }));
    this.failures = reuse('ids_inference_failures_total', () => new Counter({ name: 'ids_inference_failures_total', help: 'Vectors not scored, by error code.', labelNames: ['reason'], registers }));
    this.cacheHits = reuse('ids_inference_cache_hits_total', () => new Counter({ name: 'ids_inference_cache_hits_total', help: 'Vectors answered from the result cache.', registers }));
    this.cacheMisses = reuse('ids_inference_cache_misses_total', () => new Counter({ name: 'ids_inference_cache_misses_total', help: 'Vectors that had to be run through the models.', registers }));
    this.batchSeconds = reuse('ids_inference_batch_seconds', () => new Histogram({ name: 'ids_inference_batch_seconds', help: 'Time to run one batch through every served model.', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }));
    this.batches = reuse('ids_inference_batches_total', () => new Counter({ name: 'ids_inference_batches_total', help: 'Batches run.', registers }));
    this.batchSize = reuse('ids_inference_batch_size', () => new Histogram({ name: 'ids_inference_batch_size', help: 'Vectors per batch.', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers }));
    this.queueDepth = reuse('ids_inference_queue_depth', () => new Gauge({ name: 'ids_inference_queue_depth', help: 'Vectors waiting for a batch or running.', registers }));
    this.workerRestarts = reuse('ids_inference_worker_restarts_total', () => new Counter({ name: 'ids_inference_worker_restarts_total', help: 'Crashed or hung workers replaced.', registers }));
    this.provider = reuse('ids_inference_provider', () => new Gauge({ name: 'ids_inference_provider', help: 'Execution provider of each loaded model (1 = in use).', labelNames: ['model', 'version', 'provider', 'fp16'], registers }));
    this.reloads = reuse('ids_inference_model_reloads_total', () => new Counter({ name: 'ids_inference_model_reloads_total', help: 'Model set reloads, by outcome.', labelNames: ['outcome'], registers }));
  }
}
