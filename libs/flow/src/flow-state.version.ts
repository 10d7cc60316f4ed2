/** Current layout version of FlowState, the JSON of a flow in the changelog (see `upgradeFlowState` for older ones). */
export const FLOW_STATE_VERSION = 2;
