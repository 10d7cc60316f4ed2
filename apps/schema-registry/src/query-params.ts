/** A boolean query parameter (`?deleted=true`); anything but `true` (any case) is false. */
export function queryFlag(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/** `?offset=&limit=` as Confluent pages lists: a limit of -1 (or none) means all. */
export function paginate<T>(items: T[], offset?: string, limit?: string): T[] {
  const start = Math.max(0, Number.parseInt(offset ?? '0', 10) || 0);
  const count = Number.parseInt(limit ?? '-1', 10);
  return Number.isNaN(count) || count < 0 ? items.slice(start) : items.slice(start, start + count);
}
