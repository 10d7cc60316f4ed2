import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigInvalidError, loadConfig } from '@ids/config';
import { createLogger, NestPinoLogger } from '@ids/observability';
import type { StageDefinition } from './stage-definition';
import { StageHostModule } from './stage-host.module';
import { StageLifecycle } from './stage-lifecycle.service';

/** Entry point of a stage app: `main.ts` of each app calls this with its stage. */
export async function bootstrapStage(stage: StageDefinition, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigInvalidError) {
      process.stderr.write(`ids-${stage.name}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(`ids-${stage.name}`, config.log.level);
  const app = await NestFactory.create(StageHostModule.forStage(stage, config, logger), { logger: new NestPinoLogger(logger) });
  // Not SIGHUP (Nest's default list has it): SIGHUP reloads the signature rules.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  process.stderr.write(`ids-${stage.name}: health and metrics on ${url}/health ${url}/metrics\n`);
  const done = app.get(StageLifecycle).done;
  if (done) {
    await done;
    await app.close();
  }
}
