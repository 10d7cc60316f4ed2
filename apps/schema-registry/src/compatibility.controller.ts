import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { queryFlag } from './query-params';
import { SchemaRegistry } from './schema-registry';
import { parseSchemaRequest } from './schema-request';
import { parseVersionId } from './version-id';

type CompatibilityResponse = { is_compatible: boolean; messages?: string[] };

/** /compatibility: would this schema be accepted under the subject's level? */
@Controller('compatibility/subjects/:subject/versions')
export class CompatibilityController {
  constructor(private readonly registry: SchemaRegistry) {}

  @Post()
  @HttpCode(200)
  againstLevel(@Param('subject') subject: string, @Body() body: unknown, @Query('verbose') verbose?: string): CompatibilityResponse {
    return this.test(subject, undefined, body, queryFlag(verbose));
  }

  @Post(':version')
  @HttpCode(200)
  againstVersion(
    @Param('subject') subject: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Query('verbose') verbose?: string,
  ): CompatibilityResponse {
    return this.test(subject, version, body, queryFlag(verbose));
  }

  private test(subject: string, version: string | undefined, body: unknown, verbose: boolean): CompatibilityResponse {
    const versionId = version === undefined ? undefined : parseVersionId(version);
    const result = this.registry.testCompatibility(subject, versionId, parseSchemaRequest(body));
    return verbose ? { is_compatible: result.compatible, messages: result.messages } : { is_compatible: result.compatible };
  }
}
