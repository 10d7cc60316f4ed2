import { FlowIdText, flowIds, flowNumericId, flowUid } from './flow-id';

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

describe('FlowIdText writes numbers as String() does', () => {
  const text = new FlowIdText();
  const written = (write: (t: FlowIdText) => void) => {
    text.clear();
    text.char(35); // something before, so that writes at an offset are checked
    write(text);
    return text.text(1, text.length);
  };
  it.each([0, 1, 9, 10, 42, 99, 100, 255, 999, 1000, 4094, 9999, 10000, 49200, 65535, 99999, 100000, 1234567, 2 ** 31 - 1])('decimal %d', (n) => {
    expect(written((t) => t.decimal(n))).toBe(String(n));
  });
  it.each([0, 0x0a000005, 0x7f000001, 0xc0a80164, 0xffffffff, 0x01020304, 0x09630a64, -1062731420])('ipv4 0x%s', (address) => {
    const u = address >>> 0;
    expect(written((t) => t.ipv4(address))).toBe(`${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`);
  });
  it.each([0, 7, 99_999_999, 100_000_000, 100_000_001, 1_705_312_800_000_007, 1_705_312_800_000_000, 2 ** 53 - 1, -5, 1.5])('number %d', (x) => {
    expect(written((t) => t.number(x))).toBe(String(x));
  });
  it('grows past its first buffer', () => {
    const long = written((t) => {
      for (let i = 0; i < 100; i++) t.ipv4(0xc0a80164);
    });
    expect(long).toBe('192.168.1.100'.repeat(100));
  });
});

describe('FlowIdText.text', () => {
  it.each([
    ['ascii', '6/0/10.0.0.5/49200/10.0.0.80/80'],
    ['latin-1', 'caf\u00e9/\u00ff'],
    ['above latin-1', 'fe80::1%\u20ac/\u4e2d'],
    ['empty', ''],
  ])('gives back %s text as written', (_name, s) => {
    const text = new FlowIdText();
    text.string('x');
    text.string(s);
    expect(text.text(1, text.length)).toBe(s);
    expect(text.text(0, text.length)).toBe('x' + s);
  });
});
