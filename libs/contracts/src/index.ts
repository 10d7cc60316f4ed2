export * from './records';
export * from './topic-registry';
export * from './schema-files';
