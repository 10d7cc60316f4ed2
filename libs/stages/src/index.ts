export * from './stage-names';
export * from './flow-sink.port';
export * from './capture.source';
export * from './frame-key';
export * from './flows.stage';
export * from './sink.stage';
export * from './analyze.pipeline';
export * from './analysis-summary';
