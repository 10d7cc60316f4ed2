/**
 * Errors of live capture. Each names the interface; the message says what to do. `retriable`
 * is true only where waiting can help (an interface that is down may come up).
 */
export abstract class LiveCaptureError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
  constructor(
    readonly interfaceName: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No interface of that name (libpcap's device list is given in the message). */
export class CaptureInterfaceUnknownError extends LiveCaptureError {
  readonly code = 'CAPTURE_INTERFACE_UNKNOWN';
  readonly retriable = false;
  constructor(
    interfaceName: string,
    readonly known: readonly string[],
  ) {
    super(interfaceName, `unknown capture interface '${interfaceName}' (known: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
}

/** The BPF filter does not compile on this interface (bad syntax, or not valid for its link type). */
export class CaptureFilterInvalidError extends LiveCaptureError {
  readonly code = 'CAPTURE_FILTER_INVALID';
  readonly retriable = false;
  constructor(
    interfaceName: string,
    readonly filter: string,
    readonly reason: string,
  ) {
    super(interfaceName, `bad capture filter '${filter}' on ${interfaceName}: ${reason}`);
  }
}

/** The process may not open a packet socket. */
export class CapturePermissionError extends LiveCaptureError {
  readonly code = 'CAPTURE_PERMISSION_DENIED';
  readonly retriable = false;
  constructor(
    interfaceName: string,
    readonly reason: string,
  ) {
    super(interfaceName, `no permission to capture on ${interfaceName} (${reason}): run as root, or give node CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(command -v node)")")`);
  }
}

/** The interface exists but is down. */
export class CaptureInterfaceDownError extends LiveCaptureError {
  readonly code = 'CAPTURE_INTERFACE_DOWN';
  readonly retriable = true;
  constructor(
    interfaceName: string,
    readonly reason: string,
  ) {
    super(interfaceName, `cannot capture on ${interfaceName}: the interface is down (${reason}); bring it up (ip link set ${interfaceName} up)`);
  }
}

/** A capture option is out of range. */
export class CaptureOptionInvalidError extends LiveCaptureError {
  readonly code = 'CAPTURE_OPTION_INVALID';
  readonly retriable = false;
  constructor(
    interfaceName: string,
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(interfaceName, `capture on ${interfaceName}: ${option}=${JSON.stringify(value)} is invalid: expected ${expected}`);
  }
}

/** libpcap refused to open the interface for another reason (its message is kept). */
export class CaptureOpenError extends LiveCaptureError {
  readonly code = 'CAPTURE_OPEN_FAILED';
  readonly retriable = false;
  constructor(
    interfaceName: string,
    readonly reason: string,
  ) {
    super(interfaceName, `cannot capture on ${interfaceName}: ${reason}`);
  }
}

/** Sorts libpcap's message from a failed pcap_activate into the errors above. */
export function activationError(interfaceName: string, reason: string, known: readonly string[]): LiveCaptureError {
  if (/permission|not permitted|EPERM|EACCES/i.test(reason)) return new CapturePermissionError(interfaceName, reason);
  if (/not up|went down/i.test(reason)) return new CaptureInterfaceDownError(interfaceName, reason);
  if (/no such device/i.test(reason)) return new CaptureInterfaceUnknownError(interfaceName, known);
  return new CaptureOpenError(interfaceName, reason);
}
