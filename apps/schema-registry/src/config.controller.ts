import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import type { CompatibilityLevel } from './compatibility-level';
import { queryFlag } from './query-params';
import { SchemaRegistry } from './schema-registry';
import { parseConfigRequest } from './schema-request';

/** /config: the global compatibility level and the levels of single subjects. */
@Controller('config')
export class ConfigController {
  constructor(private readonly registry: SchemaRegistry) {}

  @Get()
  global(): { compatibilityLevel: CompatibilityLevel } {
    return { compatibilityLevel: this.registry.globalCompatibility() };
  }

  @Put()
  async setGlobal(@Body() body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setCompatibility(null, parseConfigRequest(body).compatibility) };
  }

  @Delete()
  async resetGlobal(): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.deleteCompatibility(null) };
  }

  @Get(':subject')
  subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string): { compatibilityLevel: CompatibilityLevel } {
    return { compatibilityLevel: this.registry.subjectCompatibility(subject, queryFlag(defaultToGlobal)) };
  }

  @Put(':subject')
  async setSubject(@Param('subject') subject: string, @Body() body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setCompatibility(subject, parseConfigRequest(body).compatibility) };
  }

  @Delete(':subject')
  async deleteSubject(@Param('subject') subject: string): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.deleteCompatibility(subject) };
  }
}
