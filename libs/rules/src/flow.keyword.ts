import type { KeywordHandlers } from './keyword.handler';
import { RuleKeywordUnsupportedError, RuleOptionInvalidError } from './rule-parse.errors';
import type { FlowConstraint } from './rule.types';

const DIRECTIONS: Readonly<Record<string, boolean>> = { to_server: true, from_client: true, to_client: false, from_server: false };
const STATES: Readonly<Record<string, boolean>> = { established: true, not_established: false };
// Whether a packet or a reassembled chunk is inspected is the engine's choice, not exposed to rules.
const UNSUPPORTED = new Set(['no_stream', 'only_stream', 'no_frag', 'only_frag']);

export function parseFlow(value: string): FlowConstraint {
  const constraint: FlowConstraint = { toServer: null, established: null };
  let stateless = false;
  for (const part of value.split(',').map((p) => p.trim())) {
    if (part in DIRECTIONS) {
      if (constraint.toServer !== null) throw new RuleOptionInvalidError('flow', value, 'two directions');
      constraint.toServer = DIRECTIONS[part];
    } else if (part in STATES) {
      if (constraint.established !== null || stateless) throw new RuleOptionInvalidError('flow', value, 'two states');
      constraint.established = STATES[part];
    } else if (part === 'stateless') {
      if (constraint.established !== null) throw new RuleOptionInvalidError('flow', value, 'two states');
      stateless = true;
    } else if (UNSUPPORTED.has(part)) {
      throw new RuleKeywordUnsupportedError('flow', value, `option '${part}'`);
    } else throw new RuleOptionInvalidError('flow', value, `unknown option '${part}'`);
  }
  return constraint;
}

export const FLOW_KEYWORDS: KeywordHandlers = {
  flow: (value, b) => {
    b.once('flow', value);
    const constraint = parseFlow(value ?? '');
    b.flow = constraint;
    b.options.push({ kind: 'flow', constraint });
  },
};
