import { flowNumericId, flowUid } from './flow-id';

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
  it('look like Zeek uids and safe integers', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => flowNumericId(key, i));
    for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(flowUid(key, 1)).toMatch(/^C[0-9A-Za-z]{17}$/);
  });
});
