import { DATA_PARTITIONS } from '@ids/contracts';
import { KafkaStreamRunner } from '@ids/kafka';
import type { Topology } from '@ids/topology';
import type { StageDefinition, StageRunnable } from '../stage-definition';
import type { IdsConfig } from '@ids/config';
import { prepareKafka } from './kafka-environment';

/** A stage that is one topology run by the Kafka runtime. */
export function topologyStage(name: string, build: (config: IdsConfig) => Promise<Topology> | Topology): StageDefinition {
  return {
    name,
    async create({ config, logger, metrics }): Promise<StageRunnable> {
      const topology = await build(config);
      logger.info({ topology: topology.describe() }, 'topology');
      const { kafka, serdes } = await prepareKafka(config, logger, [topology]);
      const runner = new KafkaStreamRunner({ kafka, serdes, topology, instanceId: config.runtime.instanceId, logger, metrics, partitions: DATA_PARTITIONS });
      return {
        start: () => runner.start(),
        stop: () => runner.stop(),
        health: () => ({ group: runner.groupId, topics: topology.sourceTopics }),
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
