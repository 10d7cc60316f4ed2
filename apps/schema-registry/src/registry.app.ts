import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicAuthMiddleware, type BasicCredentials } from './basic-auth.middleware';
import { KafkaStore } from './kafka-store';
import type { RegistryConfig } from './registry.config';
import { RegistryExceptionFilter } from './registry-exception.filter';
import { createKafka } from '@ids/kafka';
import { NestPinoLogger, type Logger } from '@ids/observability';
import { RegistryModule, type RegistryModuleOptions } from './registry.module';
import { SchemaStore } from './schema-store';

/** Content types Confluent clients send; a body without one is read as JSON too. */
const JSON_TYPES = new Set([
  'application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream',
]);

const RESPONSE_TYPE = 'application/vnd.schemaregistry.v1+json';

function isRegistryJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === '' || JSON_TYPES.has(type);
}

/** Builds the Nest application (not yet listening) over a store and its log; with `auth`, every request but GET /health must carry it. */
export async function createRegistryApp(options: RegistryModuleOptions, logger: Logger, auth?: BasicCredentials): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(RegistryModule.forRoot(options), {
    bodyParser: false,
    abortOnError: false,
    logger: new NestPinoLogger(logger),
  });
  const filter = new RegistryExceptionFilter(logger);
  if (auth !== undefined) app.use(basicAuthMiddleware(auth, RESPONSE_TYPE));
  app.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Content-Type', RESPONSE_TYPE);
    next();
  });
  app.useBodyParser('json', { type: isRegistryJson, limit: '16mb' });
  app.use(filter.middleware);
  app.useGlobalFilters(filter);
  return app;
}

export interface RunningRegistry {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts a registry on Kafka: reads the schemas topic to its end, then listens. */
export async function startRegistry(config: RegistryConfig, logger: Logger): Promise<RunningRegistry> {
  const store = new SchemaStore();
  const kafka = createKafka({ ...config.kafka, logger });
  const log = new KafkaStore({ kafka, topic: config.topic, store, logger, writeTimeoutMs: config.writeTimeoutMs });
  const app = await createRegistryApp({ store, log }, logger, config.auth);
  try {
    await app.listen(config.http.port, config.http.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${address.port}`;
  logger.info({ url, topic: config.topic, brokers: config.kafka.brokers, basicAuth: config.auth !== undefined }, 'schema registry listening');
  return { app, url, close: () => app.close() };
}
