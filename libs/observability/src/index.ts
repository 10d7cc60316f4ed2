export * from './logger';
export * from './metrics';
export * from './nest-pino.logger';
