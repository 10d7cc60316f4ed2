/** Application ids (consumer groups, changelog prefixes) of the stages. */
export const APP_IDS = {
  capture: 'ids-capture',
  flows: 'ids-flows',
  features: 'ids-features',
  signatures: 'ids-signatures',
  inference: 'ids-inference',
  fusion: 'ids-fusion',
  sink: 'ids-sink',
} as const;
export type StageName = keyof typeof APP_IDS;
