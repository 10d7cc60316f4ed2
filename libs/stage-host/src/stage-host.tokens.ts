export const IDS_CONFIG = Symbol('IDS_CONFIG');
export const IDS_LOGGER = Symbol('IDS_LOGGER');
export const STAGE_METRICS = Symbol('STAGE_METRICS');
export const STAGE_DEFINITION = Symbol('STAGE_DEFINITION');
