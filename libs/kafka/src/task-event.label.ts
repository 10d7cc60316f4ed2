/**
 * The `event` label a task counter is exported under. Per-rule counters (`match:<gid>:<sid>`,
 * `alert:<gid>:<sid>` of the signatures stage) fold into one series per kind: a rule set of
 * 10,000 rules would otherwise make 20,000 series per stage. `ids analyze` still prints them per
 * rule, and the alerts table in ClickHouse counts them per sid.
 */
export function taskEventLabel(event: string): string {
  return event.replace(/^(\w[\w-]*):\d+:\d+$/, '$1');
}
