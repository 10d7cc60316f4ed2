import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';
import { assignCoPartitioned, type AssignmentMember } from './co-partitioned.assignment';

export const CO_PARTITIONED_ASSIGNER = 'ids-co-partitioned';
const VERSION = 1;

/** The group's input topics do not all have the same number of partitions. */
export class CoPartitioningError extends Error {
  readonly code = 'NOT_CO_PARTITIONED';
  constructor(readonly groupId: string, readonly partitionCounts: Readonly<Record<string, number>>) {
    super(`${groupId}: input topics are not co-partitioned (${Object.entries(partitionCounts).map(([t, n]) => `${t}: ${n}`).join(', ')}); recreate them with one partition count (ids topics apply refuses the difference)`);
    this.name = 'CoPartitioningError';
  }
}

/** What a member says in its subscription: the partitions it owns now (JSON in the user data). */
function encodeOwned(owned: readonly number[]): Buffer {
  return Buffer.from(JSON.stringify({ owned }));
}

/** A member whose user data is missing or unreadable (another version) simply owned nothing. */
export function decodeOwned(userData: Buffer | null | undefined): number[] {
  if (!userData || userData.length === 0) return [];
  try {
    const { owned } = JSON.parse(userData.toString('utf8')) as { owned?: unknown };
    return Array.isArray(owned) ? owned.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}

/**
 * KafkaJS's only built-in assigner (round robin over every topic-partition) can give partition p
 * of one input topic and partition p of another to different members once a stage runs on four or
 * five instances; this one gives partition p of every input topic to one member (see
 * `assignCoPartitioned`), keeping each member's partitions where balance allows. `owned` reports
 * what this member holds now, carried to the leader in its subscription.
 */
export function coPartitionedAssigner(owned: () => readonly number[]): PartitionAssigner {
  return ({ cluster, groupId }): Assigner => ({
    name: CO_PARTITIONED_ASSIGNER,
    version: VERSION,
    protocol: ({ topics }) => ({
      name: CO_PARTITIONED_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: encodeOwned(owned()) }),
    }),
    async assign({ members, topics }) {
      const counts: Record<string, number> = {};
      for (const t of topics) counts[t] = cluster.findTopicPartitionMetadata(t).length;
      const distinct = new Set(Object.values(counts));
      if (distinct.size > 1) throw new CoPartitioningError(groupId, counts);
      const partitionCount = distinct.size === 0 ? 0 : [...distinct][0];
      const asMembers: AssignmentMember[] = members.map((m) => ({
        memberId: m.memberId,
        owned: decodeOwned(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData),
      }));
      const byMember = assignCoPartitioned(asMembers, partitionCount);
      return [...byMember].map(([memberId, partitions]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: Object.fromEntries(topics.map((t) => [t, partitions])),
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
