import 'reflect-metadata';
import { startRegistry, type RunningRegistry } from './registry.app';
import { ConfigInvalidError } from '@ids/config';
import { loadRegistryConfig, type RegistryConfig } from './registry.config';
import { createRegistryLogger } from './registry.logger';

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  let config: RegistryConfig;
  try {
    config = loadRegistryConfig();
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    createRegistryLogger().fatal({ problems: error.problems }, error.message);
    process.exit(2);
  }
  const logger = createRegistryLogger(config.log.level);
  let registry: RunningRegistry;
  try {
    registry = await startRegistry(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'schema registry failed to start');
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    registry.close().then(
      () => { logger.info('stopped'); process.exit(0); },
      (error: unknown) => { logger.error({ err: error }, 'shutdown failed'); process.exit(1); },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
