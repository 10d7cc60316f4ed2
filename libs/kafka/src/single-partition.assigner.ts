import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * KafkaJS has no manual assignment (`assign()`); a throwaway group whose assigner hands its one
 * member a single partition of one topic stands in for it, so that reading one partition (a
 * changelog restore) fetches that partition only, not every partition of the topic.
 */
export function singlePartitionAssigner(topic: string, partition: number): PartitionAssigner {
  return () => ({
    name: 'ids-single-partition',
    version: 1,
    protocol: ({ topics }) => ({ name: 'ids-single-partition', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) }),
    async assign({ members }) {
      // the group is this process's own: one member; any other gets nothing
      return members.map(({ memberId }, i) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: i === 0 ? { [topic]: [partition] } : {}, userData: Buffer.alloc(0) }),
      }));
    },
  });
}
