export * from './topic-serdes';
export * from './serde.error';
