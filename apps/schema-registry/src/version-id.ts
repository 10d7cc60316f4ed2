import { VersionInvalidError } from './registry.errors';

/** A version in a URL: a number in [1, 2^31-1], or `latest` (also spelled -1). */
export type VersionId = number | 'latest';

const MAX_VERSION = 2 ** 31 - 1;

export function parseVersionId(raw: string): VersionId {
  const text = raw.trim();
  if (text === 'latest' || text === '-1') return 'latest';
  if (!/^\d{1,10}$/.test(text)) throw new VersionInvalidError(raw);
  const version = Number(text);
  if (version < 1 || version > MAX_VERSION) throw new VersionInvalidError(raw);
  return version;
}
