import { Controller, Get, Param, Query } from '@nestjs/common';
import { paginate, queryFlag } from './query-params';
import { SchemaNotFoundError } from './registry.errors';
import { SchemaRegistry } from './schema-registry';

/** /schemas: schemas by their global id. */
@Controller('schemas')
export class SchemasController {
  constructor(private readonly registry: SchemaRegistry) {}

  @Get('types')
  types(): string[] {
    return ['AVRO'];
  }

  @Get('ids/:id')
  byId(@Param('id') id: string): { schema: string } {
    return this.registry.schemaById(schemaId(id));
  }

  @Get('ids/:id/schema')
  rawById(@Param('id') id: string): string {
    return this.registry.schemaById(schemaId(id)).schema;
  }

  @Get('ids/:id/versions')
  versions(@Param('id') id: string, @Query() query: PageQuery): { subject: string; version: number }[] {
    const versions = this.registry.versionsOfId(schemaId(id), queryFlag(query.deleted)).filter((v) => query.subject === undefined || v.subject === query.subject);
    return paginate(versions, query.offset, query.limit);
  }

  @Get('ids/:id/subjects')
  subjects(@Param('id') id: string, @Query() query: PageQuery): string[] {
    const subjects = this.registry.subjectsOfId(schemaId(id), queryFlag(query.deleted)).filter((s) => query.subject === undefined || s === query.subject);
    return paginate(subjects, query.offset, query.limit);
  }
}

function schemaId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new SchemaNotFoundError(raw);
  return Number(raw);
}

interface PageQuery { deleted?: string; subject?: string; offset?: string; limit?: string }
