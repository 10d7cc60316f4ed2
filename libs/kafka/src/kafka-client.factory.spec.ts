import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-client.factory';

describe('kafkaLogLevel', () => {
  const busy = 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
  it.each([
    ['an error stays an error', logLevel.ERROR, { message: 'Connection timeout' }, 'error'],
    ['a warning stays a warning', logLevel.WARN, { message: 'rebalancing' }, 'warn'],
    ['a busy coordinator in the error field is debug', logLevel.ERROR, { message: 'Response AddPartitionsToTxn(key: 24, version: 1)', error: busy }, 'debug'],
    ['a busy coordinator in the message is debug', logLevel.ERROR, { message: `Failed to send messages: ${busy}` }, 'debug'],
    ['an unknown level is info', 99, { message: 'x' }, 'info'],
  ])('%s', (_name, level, log, expected) => {
    expect(kafkaLogLevel(level, log)).toBe(expected);
  });
});
