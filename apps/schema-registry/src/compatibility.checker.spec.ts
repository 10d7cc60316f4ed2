import { Type, type Schema } from 'avsc';
import { CompatibilityChecker } from './compatibility.checker';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility-level';

const record = (...fields: object[]): Schema => ({ type: 'record', name: 'Flow', namespace: 'ids.test', fields } as Schema);
const type = (schema: Schema) => Type.forSchema(schema);

const A_INT = { name: 'a', type: 'int' };
const A_LONG = { name: 'a', type: 'long' };
const B_DEFAULT = { name: 'b', type: 'string', default: 'x' };
const B_REQUIRED = { name: 'b', type: 'string' };
const enumOf = (...symbols: string[]) => ({ name: 'e', type: { type: 'enum', name: 'Kind', symbols } });

// [change, earlier schema, new schema, compatible under BACKWARD, under FORWARD]
const PAIRS: [string, Schema, Schema, boolean, boolean][] = [
  ['identical schema', record(A_INT), record(A_INT), true, true],
  ['add a field with a default', record(A_INT), record(A_INT, B_DEFAULT), true, true],
  ['add a field without a default', record(A_INT), record(A_INT, B_REQUIRED), false, true],
  ['remove a field with a default', record(A_INT, B_DEFAULT), record(A_INT), true, true],
  ['remove a field without a default', record(A_INT, B_REQUIRED), record(A_INT), true, false],
  ['add a default to a field', record(A_INT, B_REQUIRED), record(A_INT, B_DEFAULT), true, true],
  ['promote int to long', record(A_INT), record(A_LONG), true, false],
  ['narrow long to int', record(A_LONG), record(A_INT), false, true],
  ['change int to string', record(A_INT), record({ name: 'a', type: 'string' }), false, false],
  ['make a field nullable', record(A_INT), record({ name: 'a', type: ['null', 'int'] }), true, false],
  ['add an enum symbol', record(enumOf('A', 'B')), record(enumOf('A', 'B', 'C')), true, false],
  ['rename the record', record(A_INT), { type: 'record', name: 'Other', namespace: 'ids.test', fields: [A_INT] } as Schema, false, false],
  ['rename the record keeping an alias', record(A_INT), { type: 'record', name: 'Other', namespace: 'ids.test', aliases: ['ids.test.Flow'], fields: [A_INT] } as Schema, true, false],
  ['string to bytes', 'string', 'bytes', true, true],
];

describe('CompatibilityChecker', () => {
  const checker = new CompatibilityChecker();

  describe.each(PAIRS)('%s', (_change, earlier, candidate, backward, forward) => {
    const expected: Record<CompatibilityLevel, boolean> = {
      NONE: true,
      BACKWARD: backward,
      BACKWARD_TRANSITIVE: backward,
      FORWARD: forward,
      FORWARD_TRANSITIVE: forward,
      FULL: backward && forward,
      FULL_TRANSITIVE: backward && forward,
    };
    it.each(COMPATIBILITY_LEVELS.map((level) => [level, expected[level]] as const))('%s → compatible %s', (level, compatible) => {
      const result = checker.check(type(candidate), [type(earlier)], level);
      expect(result.compatible).toBe(compatible);
      expect(result.messages.length === 0).toBe(compatible);
    });
  });

  // Each step is compatible with the one before, but the last is not with the first.
  const CHAINS: [string, CompatibilityLevel, Schema[]][] = [
    ['BACKWARD', 'BACKWARD', [record(A_INT), record(A_INT, B_DEFAULT), record(A_INT, B_REQUIRED)]],
    ['FORWARD', 'FORWARD', [record(A_INT, B_REQUIRED), record(A_INT, B_DEFAULT), record(A_INT)]],
  ];

  it.each(CHAINS)('%s checks only the latest version, its _TRANSITIVE level every version', (_name, level, chain) => {
    const [first, second, third] = chain.map(type);
    expect(checker.check(third, [first, second], level).compatible).toBe(true);
    const transitive = checker.check(third, [first, second], `${level}_TRANSITIVE` as CompatibilityLevel);
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toHaveLength(1);
    expect(transitive.messages[0]).toContain('version #1 of 2');
  });

  it('accepts anything when there is no earlier version', () => {
    expect(checker.check(type(record(A_INT, B_REQUIRED)), [], 'FULL_TRANSITIVE')).toEqual({ compatible: true, messages: [] });
  });

  it('names the direction and the reason of a failure', () => {
    const result = checker.check(type(record(A_INT, B_REQUIRED)), [type(record(A_INT))], 'FULL');
    expect(result.messages).toEqual([expect.stringMatching(/^BACKWARD: .*ids\.test\.Flow\.b/)]);
  });
});
