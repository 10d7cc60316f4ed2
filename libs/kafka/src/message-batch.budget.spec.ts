import type { Message } from 'kafkajs';
import { messageBytes, splitByBytes } from './message-batch.budget';

const m = (valueBytes: number, key: string | null = 'k'): Message => ({ key, value: Buffer.alloc(valueBytes) });

describe('messageBytes', () => {
  it.each([
    ['key and value', { key: 'ab', value: Buffer.alloc(10) }, 32 + 2 + 10],
    ['null key and value (a marker)', { key: null, value: null }, 32],
    ['a string value counts its UTF-8 bytes', { key: null, value: 'é' }, 32 + 2],
    ['headers, one of them repeated', { key: null, value: null, headers: { 'ids-control': 'watermark', x: ['a', Buffer.alloc(3)] } }, 32 + 11 + 9 + 1 + 1 + 3],
  ])('%s', (_name, message, bytes) => {
    expect(messageBytes(message as Message)).toBe(bytes);
  });
});

describe('splitByBytes', () => {
  it.each([
    ['nothing', [], 100, []],
    ['everything fits in one', [10, 10, 10], 200, [[10, 10, 10]]],
    ['a new run when the next would pass the budget', [50, 50, 50], 2 * (50 + 33), [[50, 50], [50]]],
    ['exactly the budget stays in one run', [50, 50], 2 * (50 + 33), [[50, 50]]],
    ['a message over the budget goes alone, between its neighbours', [10, 500, 10], 100, [[10], [500], [10]]],
  ])('%s', (_name, sizes, budget, expected) => {
    const chunks = splitByBytes(sizes.map((s) => m(s)), budget);
    expect(chunks.map((c) => c.map((x) => (x.value as Buffer).length))).toEqual(expected);
  });

  it('keeps the order of the messages', () => {
    const messages = Array.from({ length: 100 }, (_, i) => ({ key: String(i), value: Buffer.alloc(1000) }));
    const chunks = splitByBytes(messages, 10_000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.reduce((n, x) => n + messageBytes(x), 0) <= 10_000)).toBe(true);
    expect(chunks.flat().map((x) => x.key)).toEqual(messages.map((x) => x.key));
  });
});
