import { whileTransactionBusy } from './kafka-stream.runner';

const busy = () => Object.assign(new Error('concurrent'), { type: 'CONCURRENT_TRANSACTIONS' });
const exhausted = () => Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: busy() });

describe('whileTransactionBusy', () => {
  it.each([
    ['a refused step, directly', busy],
    ['a refused step wrapped by KafkaJS retries', exhausted],
  ])('repeats %s until it goes through', async (_name, refusal) => {
    let calls = 0;
    const result = await whileTransactionBusy(async () => {
      calls++;
      if (calls < 3) throw refusal();
      return 'done';
    });
    expect([result, calls]).toEqual(['done', 3]);
  });

  it('does not repeat other errors', async () => {
    let calls = 0;
    await expect(whileTransactionBusy(async () => { calls++; throw Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' }); })).rejects.toThrow('fenced');
    expect(calls).toBe(1);
  });

  it('gives up after its deadline', async () => {
    await expect(whileTransactionBusy(async () => { throw busy(); }, 50)).rejects.toThrow('concurrent');
  });
});
