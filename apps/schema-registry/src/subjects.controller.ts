import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { paginate, queryFlag } from './query-params';
import { SchemaRegistry, type RegisteredSchema } from './schema-registry';
import { parseSchemaRequest } from './schema-request';
import { parseVersionId } from './version-id';

/** /subjects: registration, lookup, versions and deletion. */
@Controller('subjects')
export class SubjectsController {
  constructor(private readonly registry: SchemaRegistry) {}

  @Get()
  list(@Query() query: ListQuery): string[] {
    return paginate(this.registry.subjects({ ...listOptions(query), prefix: query.subjectPrefix }), query.offset, query.limit);
  }

  @Post(':subject/versions')
  @HttpCode(200)
  register(@Param('subject') subject: string, @Body() body: unknown): Promise<{ id: number }> {
    return this.registry.register(subject, parseSchemaRequest(body));
  }

  @Post(':subject')
  @HttpCode(200)
  lookup(@Param('subject') subject: string, @Body() body: unknown, @Query('deleted') deleted?: string): RegisteredSchema {
    return this.registry.lookup(subject, parseSchemaRequest(body), queryFlag(deleted));
  }

  @Get(':subject/versions')
  versions(@Param('subject') subject: string, @Query() query: ListQuery): number[] {
    return paginate(this.registry.versions(subject, listOptions(query)), query.offset, query.limit);
  }

  @Get(':subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string, @Query('deleted') deleted?: string): RegisteredSchema {
    return this.registry.version(subject, parseVersionId(version), queryFlag(deleted));
  }

  /** The schema itself, as registered (compact JSON), not wrapped in an object. */
  @Get(':subject/versions/:version/schema')
  schema(@Param('subject') subject: string, @Param('version') version: string, @Query('deleted') deleted?: string): string {
    return this.registry.version(subject, parseVersionId(version), queryFlag(deleted)).schema;
  }

  /** Schema references are not supported, so no schema refers to another. */
  @Get(':subject/versions/:version/referencedby')
  referencedBy(@Param('subject') subject: string, @Param('version') version: string): number[] {
    this.registry.version(subject, parseVersionId(version), true);
    return [];
  }

  @Delete(':subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string): Promise<number[]> {
    return this.registry.deleteSubject(subject, queryFlag(permanent));
  }

  @Delete(':subject/versions/:version')
  deleteVersion(@Param('subject') subject: string, @Param('version') version: string, @Query('permanent') permanent?: string): Promise<number> {
    return this.registry.deleteVersion(subject, parseVersionId(version), queryFlag(permanent));
  }
}

interface ListQuery { deleted?: string; deleted_only?: string; subjectPrefix?: string; offset?: string; limit?: string }

function listOptions(query: ListQuery) {
  return { includeDeleted: queryFlag(query.deleted), deletedOnly: queryFlag(query.deleted_only) };
}
