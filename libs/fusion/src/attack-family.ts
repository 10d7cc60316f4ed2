import type { AttackFamily, SignatureHitRecord } from '@ids/contracts';

export const ATTACK_FAMILIES: readonly AttackFamily[] = ['dos', 'scan', 'web', 'bruteforce', 'malware', 'anomaly'];

// Rules without `metadata: family` still say what they are through their classtype; these are the
// classtypes of classification.config whose meaning fits one family.
const CLASSTYPE_FAMILIES: Readonly<Record<string, AttackFamily>> = {
  'attempted-dos': 'dos', 'successful-dos': 'dos', 'denial-of-service': 'dos',
  'attempted-recon': 'scan', 'successful-recon-limited': 'scan', 'successful-recon-largescale': 'scan', 'network-scan': 'scan',
  'web-application-attack': 'web', 'web-application-activity': 'web',
  'default-login-attempt': 'bruteforce', 'suspicious-login': 'bruteforce', 'unsuccessful-user': 'bruteforce',
  'trojan-activity': 'malware', 'shellcode-detect': 'malware', 'command-and-control': 'malware', 'exploit-kit': 'malware',
};

/** A family name from a hit or a model as the Alert schema's enum, or null when it is none of them. */
export function asAttackFamily(name: string | null | undefined): AttackFamily | null {
  return name !== null && name !== undefined && (ATTACK_FAMILIES as readonly string[]).includes(name) ? name as AttackFamily : null;
}

/**
 * A hit's family: its metadata, else its classtype's, else 'anomaly' — the schema has no "other",
 * and 'anomaly' is the one symbol that claims nothing about what kind of attack it is.
 */
export function familyOfHit(hit: Pick<SignatureHitRecord, 'family' | 'classtype'>): AttackFamily {
  return asAttackFamily(hit.family) ?? (hit.classtype ? CLASSTYPE_FAMILIES[hit.classtype] : undefined) ?? 'anomaly';
}
