import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CompatibilityController } from './compatibility.controller';
import { ConfigController } from './config.controller';
import { HealthController, READINESS, type Readiness } from './health.controller';
import type { RegistryLog } from './registry.log';
import { SchemaRegistry } from './schema-registry';
import { SchemasController } from './schemas.controller';
import type { SchemaStore } from './schema-store';
import { SubjectsController } from './subjects.controller';

/** The store and the log the registry runs on; a log with a lifecycle is started before serving. */
export interface RegistryModuleOptions {
  store: SchemaStore;
  log: RegistryLog & Partial<Readiness> & { start?(): Promise<void>; stop?(): Promise<void> };
}

const OPTIONS = Symbol('REGISTRY_MODULE_OPTIONS');

/** The HTTP shell: controllers over one `SchemaRegistry`. */
@Module({})
export class RegistryModule implements OnModuleInit, OnApplicationShutdown {
  static forRoot(options: RegistryModuleOptions): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [SubjectsController, SchemasController, ConfigController, CompatibilityController, HealthController],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: SchemaRegistry, useFactory: () => new SchemaRegistry(options.store, options.log) },
        { provide: READINESS, useValue: { get ready() { return options.log.ready ?? true; } } satisfies Readiness },
      ],
    };
  }

  constructor(@Inject(OPTIONS) private readonly options: RegistryModuleOptions) {}

  /** Reads the whole store before the HTTP server starts listening. */
  async onModuleInit(): Promise<void> {
    await this.options.log.start?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.log.stop?.();
  }
}
