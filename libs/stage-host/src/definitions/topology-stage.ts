import { DATA_PARTITIONS } from '@ids/contracts';
import { KafkaStreamRunner } from '@ids/kafka';
import type { Topology } from '@ids/topology';
import type { StageDefinition, StageRunnable } from '../stage-definition';
import type { IdsConfig } from '@ids/config';
import { prepareKafka } from './kafka-environment';

/**
 * A stage that is one topology, or several sub-topologies split at repartition topics, run by
 * the Kafka runtime: one consumer group per sub-topology, all in this process.
 */
export function topologyStage(name: string, build: (config: IdsConfig) => Promise<Topology | Topology[]> | Topology | Topology[]): StageDefinition {
  return {
    name,
    async create({ config, logger, metrics }): Promise<StageRunnable> {
      const built = await build(config);
      const topologies = Array.isArray(built) ? built : [built];
      for (const topology of topologies) logger.info({ topology: topology.describe() }, 'topology');
      const { kafka, serdes } = await prepareKafka(config, logger, topologies);
      const runners = topologies.map((topology) => new KafkaStreamRunner({
        kafka, serdes, topology, instanceId: config.runtime.instanceId, logger, metrics, partitions: DATA_PARTITIONS,
      }));
      const failed = Promise.race(runners.map((r) => r.failed));
      failed.catch(() => undefined); // awaited by the stage host once it is up; not unhandled before
      return {
        start: async () => { for (const r of runners) await r.start(); },
        stop: async () => { await Promise.all(runners.map((r) => r.stop())); },
        // Rejects when a consumer stops for good: the app exits non-zero instead of idling.
        done: failed,
        health: () => ({
          groups: runners.map((r) => r.groupId), topics: topologies.flatMap((t) => t.sourceTopics),
          crashed: runners.filter((r) => r.crashError !== null).map((r) => ({ group: r.groupId, error: r.crashError!.message })),
        }),
      };
    },
  };
}

export class StageNotImplementedError extends Error {
  readonly code = 'STAGE_NOT_IMPLEMENTED';
  readonly retriable = false;
  constructor(stage: string, readonly issue: string) {
    super(`the ${stage} stage is not implemented yet (${issue}); see "Not done yet" in the README`);
    this.name = 'StageNotImplementedError';
  }
}

/** A stage of the topology whose logic has not been built: it refuses to start, and says so. */
export function notImplementedStage(name: string, issue: string): StageDefinition {
  return { name, create: async () => { throw new StageNotImplementedError(name, issue); } };
}
