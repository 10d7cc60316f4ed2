import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { CapDevice } from 'cap';
import {
  activationError,
  CaptureFilterInvalidError,
  CaptureInterfaceUnknownError,
  CaptureOpenError,
  CaptureOptionInvalidError,
} from './live-capture.error';
import { countersSince, readInterfaceCounters, SYSFS_NET, type InterfaceCounters } from './live-capture.interface-counters';
import { CAP_SNAPLEN, linkTypeOfCap, wireLengthFromHeaders } from './live-capture.link';
import { BoundedFrameQueue } from './live-capture.queue';

/** One frame captured live. Shaped like a file's `CaptureFrame` where the two agree. */
export interface LiveFrame {
  /** 0-based position among the frames libpcap delivered (frames dropped by the queue leave gaps). */
  readonly index: number;
  /**
   * Wall-clock time the frame was read from the kernel, µs since the Unix epoch (monotonic within
   * one capture). Not libpcap's capture timestamp: `cap` does not pass it on. See the README.
   */
  readonly tsUs: number;
  /** Bytes in `data`: at most the snap length. */
  readonly capturedLength: number;
  /** Length on the wire: `capturedLength`, or what the IP header declares for a cut frame. */
  readonly originalLength: number;
  /** LINKTYPE_ value (1 Ethernet, 101 raw IP, 113 Linux SLL, ...). */
  readonly linkType: number;
  /** The captured bytes, copied out of cap's buffer (a view into a shared 256 KiB slab). */
  readonly data: Buffer;
  /** The frame was longer than the snap length and was cut. */
  readonly truncated: boolean;
}

export interface LiveCaptureOptions {
  /** Interface to capture from (`LiveCapture.listInterfaces()` lists them). */
  interface: string;
  /** BPF filter in tcpdump syntax, applied in the kernel. Default '' (every frame). */
  filter?: string;
  /** Bytes kept of each frame, 1..65535. Default 65535. */
  snaplen?: number;
  /** Kernel capture buffer (pcap_set_buffer_size), bytes. Default 16 MiB. */
  bufferBytes?: number;
  /** Most frames waiting for the consumer; more are dropped and counted. Default 16384. */
  maxQueueFrames?: number;
  /** Most bytes of frames waiting for the consumer. Default 32 MiB. */
  maxQueueBytes?: number;
  /** The libpcap binding (tests give a fake). Default: the `cap` package. */
  binding?: CapBinding;
  /** Wall clock in µs. Default: performance.timeOrigin + performance.now(). */
  clockUs?: () => number;
  /** Where the interface counters are read. Default /sys/class/net. */
  sysfsRoot?: string;
}

type ResolvedOptions = Required<Pick<LiveCaptureOptions, 'interface' | 'filter' | 'snaplen' | 'bufferBytes' | 'maxQueueFrames' | 'maxQueueBytes'>> & LiveCaptureOptions;

export const LIVE_CAPTURE_DEFAULTS: Omit<ResolvedOptions, 'interface'> = {
  filter: '',
  snaplen: CAP_SNAPLEN,
  bufferBytes: 16 * 1024 * 1024,
  maxQueueFrames: 16384,
  maxQueueBytes: 32 * 1024 * 1024,
};

/** Capture statistics, counted since the capture was opened. */
export interface LiveCaptureStats {
  /** Frames libpcap delivered (those the filter passed and the kernel did not drop). */
  received: number;
  /** Received frames longer than the snap length (cut). */
  truncated: number;
  /** Received frames dropped because the consumer was behind and the queue was full. */
  droppedByQueue: number;
  /** Frames handed to the consumer. */
  delivered: number;
  /** Frames waiting in the queue. `received = delivered + droppedByQueue + queued`. */
  queued: number;
  /** Bytes on the wire of the received frames. */
  bytes: number;
  /**
   * The interface's own counters since the capture opened (every frame it received, filter or
   * not; drops by the stack and the NIC). Null where it has none (`any`, not Linux). Frames the
   * kernel dropped because the capture buffer was full are in `kernel`.
   */
  interface: InterfaceCounters | null;
  /**
   * libpcap's own counters (pcap_stats) since the capture opened: null where the binding cannot
   * read them. After `stop()`, the last values read before the handle closed.
   */
  kernel: KernelCaptureCounters | null;
}

/** pcap_stats, as libpcap counts for the platform (Linux: the packet socket's statistics). */
export interface KernelCaptureCounters {
  /** Frames that passed the filter (on Linux including those then dropped). */
  received: number;
  /** Frames that passed the filter but were dropped because the capture buffer was full: raise IDS_CAPTURE_BUFFER_MB. */
  dropped: number;
  /** Frames the interface or its driver dropped (not every platform counts them). */
  interfaceDropped: number;
}

/** An interface libpcap can capture from. */
export interface CaptureInterface {
  name: string;
  description: string | null;
  addresses: string[];
  loopback: boolean;
}

/** The part of `cap` LiveCapture uses, so that tests can give a fake. */
export interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): unknown;
  /**
   * pcap_stats on the open handle. Not in cap 0.2.1 as published: patches/cap+0.2.1.patch adds it
   * (applied by patch-package at npm install), so a `cap` without it yields no kernel counters.
   */
  stats?(): { received: number; dropped: number; ifdropped: number };
}

export interface CapBinding {
  deviceList(): CapDevice[];
  create(): CapHandle;
}

let capModule: typeof import('cap') | undefined;

/** The `cap` package, loaded on first use (importing @ids/pcap does not load the native addon). */
export function capBinding(): CapBinding {
  capModule ??= createRequire(__filename)('cap') as typeof import('cap');
  const { Cap } = capModule;
  return { deviceList: () => Cap.deviceList(), create: () => new Cap() };
}

/**
 * Handles whose `open` threw. cap's destructor stops a libuv poll handle that a failed open never
 * initialised, which aborts the process (uv_poll_stop assertion) when the garbage collector frees
 * one, so they are kept for the life of the process. A failed open holds little: libpcap frees
 * what a failed activation allocated, and a filter is first tried on a probe with a small buffer.
 */
const failedHandles: CapHandle[] = [];

/** Kernel buffer of the probe that checks a filter before the real open. */
const PROBE_BUFFER_BYTES = 256 * 1024;
const SLAB_BYTES = 256 * 1024;

const wallClockUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

/**
 * Live capture from a network interface through libpcap (`cap`), as an async iterable of frames.
 *
 *   const capture = LiveCapture.open({ interface: 'eth0', filter: 'tcp or udp' });
 *   for await (const frame of capture) ...     // until capture.stop()
 *   capture.stats();                           // received, truncated, droppedByQueue, interface
 *
 * libpcap hands frames over synchronously, one at a time, whenever the event loop polls its
 * socket; each is copied out of cap's single buffer into a bounded queue. When the consumer falls
 * behind and the queue is full, new frames are dropped and counted (`droppedByQueue`): memory
 * stays bounded, and the loss is visible. Opening fails with a `LiveCaptureError`.
 */
export class LiveCapture implements AsyncIterable<LiveFrame> {
  /** Every interface libpcap can open (up or down, with or without an address). */
  static listInterfaces(binding: CapBinding = capBinding()): CaptureInterface[] {
    return binding.deviceList().map((d) => ({
      name: d.name,
      description: d.description ?? null,
      addresses: d.addresses.map((a) => a.addr),
      loopback: d.flags === 'PCAP_IF_LOOPBACK',
    }));
  }

  /** Opens the interface and starts capturing (frames queue until they are read). */
  static open(options: LiveCaptureOptions): LiveCapture {
    const d = LIVE_CAPTURE_DEFAULTS;
    // `??`, not a spread: an option given as undefined keeps its default.
    const o: ResolvedOptions = {
      ...options,
      filter: options.filter ?? d.filter,
      snaplen: options.snaplen ?? d.snaplen,
      bufferBytes: options.bufferBytes ?? d.bufferBytes,
      maxQueueFrames: options.maxQueueFrames ?? d.maxQueueFrames,
      maxQueueBytes: options.maxQueueBytes ?? d.maxQueueBytes,
    };
    validate(o);
    const binding = options.binding ?? capBinding();
    const name = o.interface;
    const known = binding.deviceList().map((d) => d.name);
    if (!known.includes(name)) throw new CaptureInterfaceUnknownError(name, known);
    if (o.filter !== '') probeFilter(binding, name, o.filter, known);

    const handle = binding.create();
    const buffer = Buffer.alloc(o.snaplen);
    const before = readInterfaceCounters(name, o.sysfsRoot ?? SYSFS_NET);
    let linkName: string;
    try {
      linkName = handle.open(name, o.filter, o.bufferBytes, buffer);
    } catch (error) {
      failedHandles.push(handle);
      throw activationError(name, messageOf(error), known);
    }
    const linkType = linkTypeOfCap(linkName);
    if (linkType === null) {
      handle.close();
      throw new CaptureOpenError(name, `unexpected link type from cap: '${linkName}'`);
    }
    return new LiveCapture(handle, buffer, linkType, linkName, o, before);
  }

  readonly interfaceName: string;
  readonly filter: string;
  readonly snaplen: number;
  readonly bufferBytes: number;

  private readonly queue: BoundedFrameQueue<LiveFrame>;
  private readonly clockUs: () => number;
  private readonly sysfsRoot: string;
  private lastTsUs = 0;
  private slab = Buffer.allocUnsafe(0);
  private slabUsed = 0;
  private received = 0;
  private truncated = 0;
  private droppedByQueue = 0;
  private delivered = 0;
  private bytes = 0;
  private closed = false;
  private kernel: KernelCaptureCounters | null = null;
  private consuming = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly handle: CapHandle,
    private readonly buffer: Buffer,
    /** LINKTYPE_ of every frame. */
    readonly linkType: number,
    /** The link type as `cap` named it. */
    readonly linkTypeName: string,
    o: ResolvedOptions,
    private readonly countersAtOpen: InterfaceCounters | null,
  ) {
    this.interfaceName = o.interface;
    this.filter = o.filter;
    this.snaplen = o.snaplen;
    this.bufferBytes = o.bufferBytes;
    this.queue = new BoundedFrameQueue(o.maxQueueFrames, o.maxQueueBytes);
    this.clockUs = o.clockUs ?? wallClockUs;
    this.sysfsRoot = o.sysfsRoot ?? SYSFS_NET;
    handle.on('packet', (nbytes, cut) => this.onPacket(nbytes, cut));
  }

  /** Whether `stop()` was called (queued frames may still be read). */
  get stopped(): boolean {
    return this.closed;
  }

  stats(): LiveCaptureStats {
    const now = this.countersAtOpen ? readInterfaceCounters(this.interfaceName, this.sysfsRoot) : null;
    if (!this.closed) this.readKernelCounters();
    return {
      received: this.received,
      truncated: this.truncated,
      droppedByQueue: this.droppedByQueue,
      delivered: this.delivered,
      queued: this.queue.length,
      bytes: this.bytes,
      interface: now && this.countersAtOpen ? countersSince(now, this.countersAtOpen) : null,
      kernel: this.kernel,
    };
  }

  /** pcap_stats now, kept as the last known values; null for good when the binding has none. */
  private readKernelCounters(): void {
    if (typeof this.handle.stats !== 'function') return;
    try {
      const k = this.handle.stats();
      this.kernel = { received: k.received, dropped: k.dropped, interfaceDropped: k.ifdropped };
    } catch {
      // libpcap could not read them (a platform without them): the last values stay
    }
  }

  /**
   * The time no frame read from now on can be stamped before (frames are stamped with the clock,
   * never backwards): what a watermark may say while the link is quiet.
   */
  nowUs(): number {
    this.lastTsUs = Math.max(this.lastTsUs, this.clockUs());
    return this.lastTsUs;
  }

  /** Closes the libpcap handle. Frames already queued are still delivered; then iteration ends. */
  stop(): void {
    if (this.closed) return;
    this.readKernelCounters(); // the handle's counters end with it
    this.closed = true;
    this.handle.close();
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LiveFrame> {
    this.startConsuming();
    try {
      for (;;) {
        const frame = this.queue.shift();
        if (frame) {
          this.delivered++;
          yield frame;
        } else if (this.closed) {
          return;
        } else {
          await this.nextFrame();
        }
      }
    } finally {
      this.stop();
    }
  }

  /** The queued frames, up to `max` at a time: one await per batch instead of per frame. */
  async *batches(max = 1024): AsyncGenerator<LiveFrame[]> {
    this.startConsuming();
    try {
      for (;;) {
        const batch = this.queue.take(max);
        if (batch.length > 0) {
          this.delivered += batch.length;
          yield batch;
        } else if (this.closed) {
          return;
        } else {
          await this.nextFrame();
        }
      }
    } finally {
      this.stop();
    }
  }

  private startConsuming(): void {
    if (this.consuming) throw new Error(`the capture on ${this.interfaceName} is already being read (one consumer only)`);
    this.consuming = true;
  }

  private nextFrame(): Promise<void> {
    return new Promise((resolve) => { this.wake = resolve; });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** cap's `packet` event: the frame is in `this.buffer` until the next event. */
  private onPacket(nbytes: number, cut: boolean): void {
    if (this.closed) return;
    const tsUs = Math.max(this.lastTsUs, this.clockUs());
    this.lastTsUs = tsUs;
    const index = this.received++;
    // cap reports neither the wire length nor a cut by libpcap's own 65535-byte snap length.
    const mayBeCut = cut || nbytes >= CAP_SNAPLEN;
    const originalLength = mayBeCut ? Math.max(nbytes, wireLengthFromHeaders(this.linkType, this.buffer, nbytes) ?? 0) : nbytes;
    const truncated = cut || originalLength > nbytes;
    if (truncated) this.truncated++;
    this.bytes += originalLength;
    if (!this.queue.fits(nbytes)) {
      this.droppedByQueue++;
      return;
    }
    this.queue.push({ index, tsUs, capturedLength: nbytes, originalLength, linkType: this.linkType, data: this.copyOut(nbytes), truncated });
    this.notify();
  }

  private copyOut(nbytes: number): Buffer {
    if (this.slabUsed + nbytes > this.slab.length) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, nbytes));
      this.slabUsed = 0;
    }
    const data = this.slab.subarray(this.slabUsed, this.slabUsed + nbytes);
    this.buffer.copy(data, 0, 0, nbytes);
    this.slabUsed += nbytes;
    return data;
  }
}

function validate(o: ResolvedOptions): void {
  const check = (option: string, value: unknown, min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new CaptureOptionInvalidError(o.interface, option, value, `an integer from ${min} to ${max}`);
    }
  };
  if (typeof o.interface !== 'string' || o.interface === '') throw new CaptureOptionInvalidError(String(o.interface), 'interface', o.interface, 'an interface name');
  if (typeof o.filter !== 'string') throw new CaptureOptionInvalidError(o.interface, 'filter', o.filter, 'a BPF filter string');
  // cap opens libpcap with a fixed snap length of 65535: a longer one could never be filled.
  check('snaplen', o.snaplen, 1, CAP_SNAPLEN);
  // pcap_set_buffer_size takes an int.
  check('bufferBytes', o.bufferBytes, 1, 2 ** 31 - 1);
  check('maxQueueFrames', o.maxQueueFrames, 1, 16 * 1024 * 1024);
  check('maxQueueBytes', o.maxQueueBytes, o.snaplen, Number.MAX_SAFE_INTEGER);
}

/**
 * Compiles the filter on a short-lived handle with a small kernel buffer. cap reports a bad filter
 * and a failed activation the same way (a thrown message), and leaves a failed handle that must
 * never be freed (see `failedHandles`): trying the filter here keeps that handle small, and a
 * second try without the filter tells the two failures apart.
 */
function probeFilter(binding: CapBinding, name: string, filter: string, known: string[]): void {
  const probe = binding.create();
  try {
    probe.open(name, filter, PROBE_BUFFER_BYTES, Buffer.alloc(1));
    probe.close();
    return;
  } catch (error) {
    failedHandles.push(probe);
    const withFilter = messageOf(error);
    const bare = binding.create();
    try {
      bare.open(name, '', PROBE_BUFFER_BYTES, Buffer.alloc(1));
      bare.close();
    } catch (activation) {
      failedHandles.push(bare);
      throw activationError(name, messageOf(activation), known);
    }
    throw new CaptureFilterInvalidError(name, filter, withFilter);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
