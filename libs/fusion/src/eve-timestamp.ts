/** EVE's timestamp text for an instant in microseconds: `2024-01-15T10:20:30.123456+0000` (UTC). */
export function formatEveTimestamp(timeUs: number): string {
  const us = Math.floor(timeUs);
  const seconds = Math.floor(us / 1_000_000);
  const fraction = us - seconds * 1_000_000;
  const iso = new Date(seconds * 1000).toISOString(); // 2024-01-15T10:20:30.000Z
  return `${iso.slice(0, 19)}.${String(fraction).padStart(6, '0')}+0000`;
}
