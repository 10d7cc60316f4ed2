/** The sid range reserved for ML labels; no rule file may use it (like Suricata's reserved gids). */
export const ML_SID_BASE = 9_900_000;
export const ML_SID_SPAN = 100_000;

/**
 * The signature_id of an ML label: 9900000 + FNV-1a(label) mod 100000. A hash rather than a class
 * index so the id of a label does not change when a model is retrained with other classes.
 */
export function mlSignatureId(label: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(label, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ML_SID_BASE + (h % ML_SID_SPAN);
}

/** The rev of an ML alert: the model's major version ("2.1.0" → 2); 1 when it has none. */
export function modelRev(version: string): number {
  const major = /^v?(\d+)/.exec(version.trim());
  return major ? Number(major[1]) : 1;
}
