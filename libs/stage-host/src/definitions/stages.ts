import {
  alertSinkTopology, fixedRuleSource, featuresTopologies, flowsTopology, fusionTopology, inferenceTopology, signaturesTopology, sinkTopology,
  type FlowsStageOptions,
} from '@ids/stages';
import type { IdsConfig } from '@ids/config';
import type { Topology } from '@ids/topology';
import type { StageDefinition } from '../stage-definition';
import { captureStage } from './capture-stage';
import { inferenceStage } from './inference-stage';
import { signaturesStage } from './signatures-stage';
import { sinkStage } from './sink-stage';
import { topologyStage } from './topology-stage';

// ruleVariablesFrom was defined here before the signatures stage had its own file
export * from './signatures-stage';

export function flowOptionsFrom(config: IdsConfig): FlowsStageOptions {
  return { idleTimeoutS: config.flow.idleTimeoutS, activeTimeoutS: config.flow.activeTimeoutS };
}

/** Every stage app, by name: what `apps/<name>/src/main.ts` and `ids run <name>` start. */
export const STAGES = {
  capture: captureStage,
  flows: topologyStage('flows', (config) => flowsTopology(flowOptionsFrom(config))),
  features: topologyStage('features', () => featuresTopologies()),
  signatures: signaturesStage(),
  inference: inferenceStage,
  fusion: topologyStage('fusion', () => fusionTopology()),
  sink: sinkStage,
} satisfies Record<string, StageDefinition>;

/** The topologies of the stages that have one, for `ids topology` and `ids topics apply`. */
export function allStageTopologies(): Topology[] {
  const describeOnly = async () => { throw new Error('describe only'); };
  return [
    flowsTopology(), ...featuresTopologies(), ...signaturesTopology(fixedRuleSource([])), inferenceTopology({ check: () => null, score: describeOnly }), fusionTopology(),
    sinkTopology({ writeFlows: describeOnly }), alertSinkTopology({ writeAlerts: describeOnly }),
  ];
}
