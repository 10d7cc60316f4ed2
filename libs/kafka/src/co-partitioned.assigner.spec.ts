import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { coPartitionedAssigner, CoPartitioningError, CO_PARTITIONED_ASSIGNER, decodeOwned } from './co-partitioned.assigner';

const cluster = (counts: Record<string, number>) => ({
  findTopicPartitionMetadata: (t: string) => Array.from({ length: counts[t] ?? 0 }, (_, partitionId) => ({ partitionId })),
}) as unknown as Cluster;

const assigner = (counts: Record<string, number>, owned: number[] = []) =>
  coPartitionedAssigner(() => owned)({ cluster: cluster(counts), groupId: 'ids-fusion', logger: {} as Logger });

/** A member's subscription as the leader receives it. */
const member = (memberId: string, owned: number[], topics: string[]) => ({
  memberId,
  memberMetadata: assigner({}, owned).protocol({ topics }).metadata,
});

describe('coPartitionedAssigner', () => {
  const topics = ['ids.signature-hits.v1', 'ids.ml-scores.v1'];

  it('names its protocol and carries the partitions a member owns in its subscription', () => {
    const state = assigner({}, [4, 1]).protocol({ topics });
    expect(state.name).toBe(CO_PARTITIONED_ASSIGNER);
    const metadata = AssignerProtocol.MemberMetadata.decode(state.metadata)!;
    expect(metadata.topics).toEqual(topics);
    expect(decodeOwned(metadata.userData)).toEqual([4, 1]);
  });

  it('gives partition p of every input topic to one member, keeping what members owned', async () => {
    const counts = { [topics[0]]: 6, [topics[1]]: 6 };
    const out = await assigner(counts).assign({ topics, members: [member('m-2', [0, 1, 2, 3, 4, 5], topics), member('m-1', [], topics)] });
    const decoded = Object.fromEntries(out.map((a) => [a.memberId, AssignerProtocol.MemberAssignment.decode(a.memberAssignment)!.assignment]));
    expect(decoded).toEqual({
      'm-1': { [topics[0]]: [3, 4, 5], [topics[1]]: [3, 4, 5] },
      'm-2': { [topics[0]]: [0, 1, 2], [topics[1]]: [0, 1, 2] },
    });
  });

  it('refuses input topics with different partition counts, naming them', async () => {
    const a = assigner({ [topics[0]]: 6, [topics[1]]: 4 });
    await expect(a.assign({ topics, members: [member('m-1', [], topics)] })).rejects.toThrow(CoPartitioningError);
    await expect(a.assign({ topics, members: [member('m-1', [], topics)] })).rejects.toThrow(/ids.signature-hits.v1: 6, ids.ml-scores.v1: 4/);
  });

  it.each<[string, Buffer | null]>([
    ['no user data', null],
    ['empty user data', Buffer.alloc(0)],
    ['not JSON', Buffer.from('\x00\x01')],
    ['JSON without owned', Buffer.from('{"x":1}')],
  ])('reads %s as owning nothing', (_name, userData) => {
    expect(decodeOwned(userData)).toEqual([]);
  });
});
