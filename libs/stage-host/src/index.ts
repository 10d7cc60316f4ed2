export * from './stage-definition';
export * from './stage-host.module';
export * from './bootstrap-stage';
export * from './stage-host.tokens';
export * from './definitions/kafka-environment';
export * from './definitions/topology-stage';
export * from './definitions/stages';
export * from './definitions/terraform-topics';
