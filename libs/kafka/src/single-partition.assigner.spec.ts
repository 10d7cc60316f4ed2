import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { singlePartitionAssigner } from './single-partition.assigner';

describe('singlePartitionAssigner', () => {
  const assigner = singlePartitionAssigner('ids-flows-flow-table-changelog', 4)({ cluster: {} as Cluster, groupId: 'ids-restore-x', logger: {} as Logger });
  const member = (memberId: string) => ({ memberId, memberMetadata: assigner.protocol({ topics: ['ids-flows-flow-table-changelog'] }).metadata });

  it('gives the group\'s member that one partition and nothing else', async () => {
    const [only] = await assigner.assign({ members: [member('m-1')], topics: ['ids-flows-flow-table-changelog'] });
    expect(AssignerProtocol.MemberAssignment.decode(only.memberAssignment)!.assignment).toEqual({ 'ids-flows-flow-table-changelog': [4] });
  });

  it('gives a second member (not expected in a throwaway group) nothing, so the partition is read once', async () => {
    const out = await assigner.assign({ members: [member('m-1'), member('m-2')], topics: ['ids-flows-flow-table-changelog'] });
    expect(out.map((a) => AssignerProtocol.MemberAssignment.decode(a.memberAssignment)!.assignment)).toEqual([{ 'ids-flows-flow-table-changelog': [4] }, {}]);
  });
});
