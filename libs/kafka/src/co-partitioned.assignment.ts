/** A group member as the assignment sees it: its id and the partitions it owned before. */
export interface AssignmentMember {
  readonly memberId: string;
  /** Partition numbers it owned in the previous generation (from its subscription's user data). */
  readonly owned: readonly number[];
}

/**
 * Partition numbers per member, for a group whose input topics are co-partitioned: a member gets
 * partition p of every topic, because the task of partition p joins them (fusion's hits and
 * scores, the features stage's repartition topics) and keeps one store changelog partition.
 *
 * Balanced (each member gets ⌊n/m⌋ or ⌈n/m⌉ partitions) and sticky: a member keeps what it owned
 * as far as balance allows, so that a rebalance moves, and therefore restores, as few tasks as it
 * can. Deterministic: the same members and history give the same answer on every leader.
 */
export function assignCoPartitioned(members: readonly AssignmentMember[], partitionCount: number): Map<string, number[]> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const result = new Map<string, number[]>(sorted.map((m) => [m.memberId, []]));
  if (sorted.length === 0) return result;
  const base = Math.floor(partitionCount / sorted.length);
  let extra = partitionCount % sorted.length; // members that may hold base + 1
  const owner = new Array<string | undefined>(partitionCount).fill(undefined);
  const claim = (memberId: string, p: number) => { owner[p] = memberId; result.get(memberId)!.push(p); };
  const stillFree = (m: AssignmentMember) => m.owned.filter((p) => Number.isInteger(p) && p >= 0 && p < partitionCount && owner[p] === undefined);

  // Previous owners keep up to the base share first, so that one greedy member cannot take the
  // extra slots from members that would otherwise lose partitions they had.
  for (const m of sorted) for (const p of stillFree(m).slice(0, base)) claim(m.memberId, p);
  for (const m of sorted) {
    if (extra === 0) break;
    const next = stillFree(m)[0];
    if (next !== undefined && result.get(m.memberId)!.length === base) { claim(m.memberId, next); extra--; }
  }
  for (let p = 0; p < partitionCount; p++) {
    if (owner[p] !== undefined) continue;
    let target: string | undefined;
    for (const m of sorted) {
      const n = result.get(m.memberId)!.length;
      const room = n < base || (n === base && extra > 0);
      if (room && (target === undefined || n < result.get(target)!.length)) target = m.memberId;
    }
    if (result.get(target!)!.length === base) extra--;
    claim(target!, p);
  }
  for (const partitions of result.values()) partitions.sort((a, b) => a - b);
  return result;
}
