import { changelogTopic } from '@ids/contracts';
import type { Topology } from './topology';

export const changelogTopicName = changelogTopic;

/** The changelog topics a topology needs, with the partition count of its inputs. */
export function changelogTopicsOf(topology: Topology, partitions: number): { name: string; partitions: number; store: string }[] {
  return [...topology.stores.values()]
    .filter((s) => s.changelog)
    .map((s) => ({ name: changelogTopic(topology.applicationId, s.name), partitions, store: s.name }));
}
