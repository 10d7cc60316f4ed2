import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The interface's own receive counters, from `/sys/class/net/<if>/statistics` (Linux): what the
 * driver received, and what it dropped before any packet socket saw it. They count every frame
 * the interface received (the BPF filter does not apply) and nothing it sent; libpcap's own drop
 * count (pcap_stats ps_drop: frames the kernel dropped because the capture buffer was full) is
 * not among them: LiveCaptureStats.kernel has it.
 */
export interface InterfaceCounters {
  /** rx_packets */
  rxPackets: number;
  /** rx_dropped: dropped by the kernel's network stack before delivery (no buffer, unknown protocol, ...). */
  rxDropped: number;
  /** rx_missed_errors: dropped by the NIC (its receive ring was full). */
  rxMissed: number;
}

export const SYSFS_NET = '/sys/class/net';

/** The counters now, or null where the interface has none (`any`, nflog, not Linux). */
export function readInterfaceCounters(interfaceName: string, root = SYSFS_NET): InterfaceCounters | null {
  if (basename(interfaceName) !== interfaceName || interfaceName === '..' || interfaceName === '.') return null;
  const dir = join(root, interfaceName, 'statistics');
  try {
    const read = (name: string) => Number(readFileSync(join(dir, name), 'utf8').trim());
    return { rxPackets: read('rx_packets'), rxDropped: read('rx_dropped'), rxMissed: read('rx_missed_errors') };
  } catch {
    return null;
  }
}

/** `now - since`, counter by counter. */
export function countersSince(now: InterfaceCounters, since: InterfaceCounters): InterfaceCounters {
  return { rxPackets: now.rxPackets - since.rxPackets, rxDropped: now.rxDropped - since.rxDropped, rxMissed: now.rxMissed - since.rxMissed };
}
