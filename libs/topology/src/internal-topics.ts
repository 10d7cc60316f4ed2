import { changelogTopic } from '@ids/contracts';
import { MARKER_STORE } from './marker-state.codec';
import type { Topology } from './topology';

export const changelogTopicName = changelogTopic;

/**
 * The changelog topics a topology needs, with the partition count of its inputs: one per store
 * with a changelog, and every topology's `markers` one (what its tasks know of event time).
 */
export function changelogTopicsOf(topology: Topology, partitions: number): { name: string; partitions: number; store: string }[] {
  return [MARKER_STORE, ...[...topology.stores.values()].filter((s) => s.changelog).map((s) => s.name)]
    .map((store) => ({ name: changelogTopic(topology.applicationId, store), partitions, store }));
}
