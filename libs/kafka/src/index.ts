export * from './kafka-client.factory';
export * from './kafka-message.codec';
export * from './topics-admin';
export * from './changelog-restorer';
export * from './kafka-stream.runner';
export * from './kafka-record.writer';
export * from './time-ordered.merge';
export * from './topic-frame.source';
