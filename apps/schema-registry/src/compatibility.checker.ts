import type { Type } from 'avsc';
import type { CompatibilityLevel } from './compatibility-level';

export interface CompatibilityResult {
  compatible: boolean;
  /** Why the new schema is incompatible, one line per failed check; empty when compatible. */
  messages: string[];
}

type Direction = 'backward' | 'forward';

/** What each level checks, and against which of the earlier versions. */
const RULES: Record<CompatibilityLevel, { directions: Direction[]; transitive: boolean }> = {
  NONE: { directions: [], transitive: false },
  BACKWARD: { directions: ['backward'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['backward'], transitive: true },
  FORWARD: { directions: ['forward'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['forward'], transitive: true },
  FULL: { directions: ['backward', 'forward'], transitive: false },
  FULL_TRANSITIVE: { directions: ['backward', 'forward'], transitive: true },
};

/**
 * Avro schema evolution rules, decided by avsc's schema resolution:
 * BACKWARD — the new schema can read data written with the earlier one (`new.createResolver(old)`);
 * FORWARD — the earlier schema can read data written with the new one (`old.createResolver(new)`);
 * FULL — both. A `_TRANSITIVE` level checks every earlier version, otherwise only the latest.
 */
export class CompatibilityChecker {
  /** `previous` is ordered oldest first; the last element is the latest version. */
  check(candidate: Type, previous: readonly Type[], level: CompatibilityLevel): CompatibilityResult {
    const rule = RULES[level];
    const against = rule.transitive ? previous : previous.slice(-1);
    const messages: string[] = [];
    for (const [index, earlier] of against.entries()) {
      const label = rule.transitive ? `version #${index + 1} of ${against.length}` : 'the latest version';
      for (const direction of rule.directions) {
        const [reader, writer] = direction === 'backward' ? [candidate, earlier] : [earlier, candidate];
        const problem = resolutionProblem(reader, writer);
        if (problem !== undefined) {
          messages.push(direction === 'backward'
            ? `BACKWARD: the new schema cannot read data written with ${label}: ${problem}`
            : `FORWARD: ${label} cannot read data written with the new schema: ${problem}`);
        }
      }
    }
    return { compatible: messages.length === 0, messages };
  }
}

function resolutionProblem(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
