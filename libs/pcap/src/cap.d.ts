// `cap` (0.2.1, https://github.com/mscdex/cap) ships no type declarations. This declares what its
// native binding (node_modules/cap/src/binding.cc) really offers; LiveCapture is the only user.
declare module 'cap' {
  /** One address of an interface, as `pcap_findalldevs` reports it (IPv4 and IPv6 only). */
  export interface CapAddress {
    addr: string;
    netmask?: string;
    broadaddr?: string;
    dstaddr?: string;
  }

  /** One entry of `Cap.deviceList()`. */
  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapAddress[];
    /** Only ever 'PCAP_IF_LOOPBACK' (the one flag the binding reports). */
    flags?: string;
  }

  /**
   * A libpcap handle. `open` runs pcap_create, snaplen 65535 (fixed), promiscuous mode (always),
   * pcap_set_buffer_size(bufSize), a 1 s read timeout, immediate mode (Linux), pcap_activate,
   * non-blocking mode, then compiles and sets `filter`. Frames arrive as `packet` events,
   * synchronously, each copied into the one `buffer` given to `open` (so it must be copied out
   * before the next event); `truncated` is true when the frame did not fit in `buffer`. There is
   * no timestamp and no wire length. `stats` (pcap_stats) is not in cap 0.2.1 as published:
   * patches/cap+0.2.1.patch adds it, applied by patch-package at npm install.
   */
  export class Cap {
    static deviceList(): CapDevice[];
    /** Name of the first interface with this address (or with any address when none is given). */
    static findDevice(ip?: string): string | undefined;
    /** Returns the link type: 'ETHERNET', 'NULL', 'RAW', 'LINKTYPE_LINUX_SLL', 'IEEE802_11_RADIO' or 'Unknown linktype <DLT>'. */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    /** True when a handle was open. */
    close(): boolean;
    send(buffer: Buffer, length?: number): void;
    /** pcap_stats of the open handle (patches/cap+0.2.1.patch); throws when none is open. Absent from an unpatched cap. */
    stats?(): { received: number; dropped: number; ifdropped: number };
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    removeAllListeners(event?: 'packet'): this;
  }
}
