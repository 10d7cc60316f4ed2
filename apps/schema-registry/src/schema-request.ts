import { z } from 'zod';
import { CompatibilityLevelInvalidError, SchemaInvalidError } from './registry.errors';

/** The body of a register, lookup or compatibility request, as Confluent clients send it. */
export interface SchemaRequest {
  schema: string;
  schemaType?: string;
  references?: unknown[];
}

const schemaRequest = z.object({
  schema: z.string({ error: 'the field "schema" must be a string holding the schema' }),
  schemaType: z.string().nullish(),
  references: z.array(z.unknown()).nullish(),
});

export function parseSchemaRequest(body: unknown): SchemaRequest {
  if (body === undefined || body === null || typeof body !== 'object') throw new SchemaInvalidError('empty request body; expected {"schema": "..."}');
  const parsed = schemaRequest.safeParse(body);
  if (!parsed.success) throw new SchemaInvalidError(parsed.error.issues.map((i) => i.message).join('; '));
  const { schema, schemaType, references } = parsed.data;
  return { schema, schemaType: schemaType ?? undefined, references: references ?? undefined };
}

const configRequest = z.object({ compatibility: z.string().optional(), compatibilityLevel: z.string().optional() });

/** The body of PUT /config: `{"compatibility": "FULL"}`; the level itself is checked by the registry. */
export function parseConfigRequest(body: unknown): { compatibility: string } {
  const parsed = configRequest.safeParse(body ?? {});
  const level = parsed.success ? parsed.data.compatibility ?? parsed.data.compatibilityLevel : undefined;
  if (level === undefined) throw new CompatibilityLevelInvalidError(undefined);
  return { compatibility: level };
}
