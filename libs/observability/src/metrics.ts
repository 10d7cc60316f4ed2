import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process; stage metrics are declared through it. */
export class StageMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter<'stage' | 'topic'>;
  readonly recordsOut: Counter<'stage' | 'topic'>;
  readonly recordsFailed: Counter<'stage' | 'reason'>;
  readonly commitSeconds: Histogram<'stage'>;
  readonly lag: Gauge<'stage' | 'topic' | 'partition'>;
  readonly taskEvents: Counter<'stage' | 'event'>;

  constructor(readonly stage: string, withDefaults = true) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry });
    this.recordsIn = new Counter({ name: 'ids_records_in_total', help: 'Records a stage read.', labelNames: ['stage', 'topic'], registers: [this.registry] });
    this.recordsOut = new Counter({ name: 'ids_records_out_total', help: 'Records a stage wrote.', labelNames: ['stage', 'topic'], registers: [this.registry] });
    this.recordsFailed = new Counter({ name: 'ids_records_failed_total', help: 'Records sent to the DLQ or skipped, by reason.', labelNames: ['stage', 'reason'], registers: [this.registry] });
    this.commitSeconds = new Histogram({ name: 'ids_commit_seconds', help: 'Time to flush and commit a batch.', labelNames: ['stage'], registers: [this.registry] });
    this.taskEvents = new Counter({ name: 'ids_task_events_total', help: 'What the stage\'s processors counted (late records, decisions, matches, ...), as `ids analyze` prints them.', labelNames: ['stage', 'event'], registers: [this.registry] });
    this.lag = new Gauge({ name: 'ids_consumer_lag', help: 'Records behind the end of a partition.', labelNames: ['stage', 'topic', 'partition'], registers: [this.registry] });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<string>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<string>;
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
