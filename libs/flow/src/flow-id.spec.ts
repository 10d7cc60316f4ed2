import { flowIds, flowNumericId, flowUid } from './flow-id';

// Recorded from the implementation before flowIds (commit bdb18e3): the same key and time must keep giving them.
const UID_REST = '6FajJcUty1wzCuQyF';
const NUMERIC = 8072964127420763;

describe('flow ids', () => {
  const key = '6/0/10.0.0.5/49200/10.0.0.80/80';
  it('are deterministic', () => {
    expect(flowUid(key, 1)).toBe(flowUid(key, 1));
    expect(flowNumericId(key, 1)).toBe(flowNumericId(key, 1));
  });
  it('differ for another key or first timestamp', () => {
    expect(flowUid(key, 2)).not.toBe(flowUid(key, 1));
    expect(flowUid(key.replace('80/80', '80/81'), 1)).not.toBe(flowUid(key, 1));
    expect(flowNumericId(key, 2)).not.toBe(flowNumericId(key, 1));
  });
  it('keep their values (replayed ids must not change), and flowIds gives both', () => {
    expect([flowUid(key, 1_705_312_800_000_000), flowNumericId(key, 1_705_312_800_000_000)]).toEqual(['C' + UID_REST, NUMERIC]);
    expect(flowIds(key, 1_705_312_800_000_000)).toEqual({ uid: 'C' + UID_REST, flowId: NUMERIC });
  });
  it('look like Zeek uids and safe integers', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => flowNumericId(key, i));
    for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(flowUid(key, 1)).toMatch(/^C[0-9A-Za-z]{17}$/);
  });
  it('flowIds (one pass for both) gives what flowUid and flowNumericId give, key by key', () => {
    const keys = [key, '17/0/2001:db8::5/53/2001:db8::50/49200', '1/4094/0.0.0.0/8/255.255.255.255/0', ''];
    for (const k of keys) {
      for (const ts of [0, 1, 99_999_999, 100_000_000, 1_705_312_800_000_007, 2 ** 53 - 1, -5, 1.5]) expect(flowIds(k, ts)).toEqual({ uid: flowUid(k, ts), flowId: flowNumericId(k, ts) });
    }
  });
});
