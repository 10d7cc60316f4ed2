export * from './ids-config';
export * from './config.error';
export { CONFIG_VARIABLES } from './config.schema';
