// The test compares against KafkaJS itself; the engine code never imports it.
// eslint-disable-next-line no-restricted-imports
import { Partitioners } from 'kafkajs';
import { partitionForKey } from './partitioner';

// KafkaJS's default partitioner is the Java client's murmur2; ours must agree key for key.
describe('partitionForKey', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', '6/0/10.0.0.1/1234/10.0.0.2/80', '17/10/fe80::1/53/fe80::2/5353', 'ümlaut-ß'];
  it.each(keys.flatMap((k) => [1, 6, 12].map((n) => [k, n] as const)))('places %j like KafkaJS with %i partitions', (key, n) => {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
    expect(partitionForKey(key, n)).toBe(expected);
  });

  it('matches the Java client on a published vector', () => {
    // org.apache.kafka.common.utils.Utils.murmur2("21".getBytes()) == -973932308
    expect(partitionForKey('21', 0x7fffffff)).toBe((-973932308 & 0x7fffffff) % 0x7fffffff);
  });
});
