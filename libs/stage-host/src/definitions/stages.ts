import {
  alertSinkTopology, featuresTopologies, flowsTopology, fusionTopology, inferenceTopology, loadSignatureRules, signaturesTopology, sinkTopology,
  type FlowsStageOptions,
} from '@ids/stages';
import type { IdsConfig } from '@ids/config';
import type { Topology } from '@ids/topology';
import type { StageDefinition } from '../stage-definition';
import { captureStage } from './capture-stage';
import { inferenceStage } from './inference-stage';
import { sinkStage } from './sink-stage';
import { topologyStage } from './topology-stage';

/** HOME_NET / EXTERNAL_NET overrides of the configuration, as rule variables. */
export function ruleVariablesFrom(config: IdsConfig): Record<string, string> {
  const { homeNet, externalNet } = config.signatures;
  return { ...(homeNet === undefined ? {} : { HOME_NET: homeNet }), ...(externalNet === undefined ? {} : { EXTERNAL_NET: externalNet }) };
}

/**
 * The signatures stage: loads IDS_RULES_PATH once at start (an unreadable path fails the start;
 * each rule that does not load is logged with file, line and reason, and skipped), then runs the
 * signatures topology with one engine per task. No hot reload: a new rule set needs a restart.
 */
const signaturesStage: StageDefinition = {
  name: 'signatures',
  async create(deps) {
    const loaded = loadSignatureRules(deps.config.signatures.rulesPath, { vars: ruleVariablesFrom(deps.config) });
    for (const e of loaded.errors) deps.logger.warn({ file: e.file, line: e.line, sid: e.sid, code: e.code, reason: e.reason }, 'rule skipped');
    deps.logger.info({ files: loaded.files, rules: loaded.rules.length, skipped: loaded.errors.length }, 'rules loaded');
    const rules = loaded.rules;
    return topologyStage('signatures', () => signaturesTopology(() => rules)).create(deps);
  },
};

export function flowOptionsFrom(config: IdsConfig): FlowsStageOptions {
  return { idleTimeoutS: config.flow.idleTimeoutS, activeTimeoutS: config.flow.activeTimeoutS };
}

/** Every stage app, by name: what `apps/<name>/src/main.ts` and `ids run <name>` start. */
export const STAGES = {
  capture: captureStage,
  flows: topologyStage('flows', (config) => flowsTopology(flowOptionsFrom(config))),
  features: topologyStage('features', () => featuresTopologies()),
  signatures: signaturesStage,
  inference: inferenceStage,
  fusion: topologyStage('fusion', () => fusionTopology()),
  sink: sinkStage,
} satisfies Record<string, StageDefinition>;

/** The topologies of the stages that have one, for `ids topology` and `ids topics apply`. */
export function allStageTopologies(): Topology[] {
  const describeOnly = async () => { throw new Error('describe only'); };
  return [
    flowsTopology(), ...featuresTopologies(), ...signaturesTopology(() => []), inferenceTopology({ check: () => null, score: describeOnly }), fusionTopology(),
    sinkTopology({ writeFlows: describeOnly }), alertSinkTopology({ writeAlerts: describeOnly }),
  ];
}
