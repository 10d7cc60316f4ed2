import { parseVersionId } from './version-id';
import { VersionInvalidError } from './registry.errors';

describe('parseVersionId', () => {
  it.each([
    ['latest', 'latest'],
    ['-1', 'latest'],
    ['1', 1],
    ['2147483647', 2147483647],
  ])('reads %s', (raw, expected) => {
    expect(parseVersionId(raw)).toBe(expected);
  });

  it.each(['0', '-2', 'abc', '1.5', '2147483648', ''])('rejects %j with error 42202', (raw) => {
    expect(() => parseVersionId(raw)).toThrow(VersionInvalidError);
  });
});
