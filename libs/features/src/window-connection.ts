import type { FlowRecord } from '@ids/contracts';
import { isRejected, isSynError } from './kdd-codes';

/** What the NSL-KDD windows remember of one connection. Plain JSON: windows live in state stores. */
export interface WindowConnection {
  /** Event time at which the flow ended (was emitted by the flows stage), µs. Windows are over this time. */
  endUs: number;
  uid: string;
  origH: string;
  origP: number;
  respH: string;
  /** Protocol and responder port: KDD's "service" for window purposes, e.g. 'tcp/80'. */
  service: string;
  serror: boolean;
  rerror: boolean;
}

export function windowConnection(flow: FlowRecord, endUs: number): WindowConnection {
  return {
    endUs,
    uid: flow.uid,
    origH: flow.orig_h,
    origP: flow.orig_p,
    respH: flow.resp_h,
    service: `${flow.proto}/${flow.resp_p}`,
    serror: isSynError(flow.conn_state),
    rerror: isRejected(flow.conn_state),
  };
}

/** The order windows see connections in: end time, then uid, so every runtime agrees. */
export function compareConnections(a: Pick<WindowConnection, 'endUs' | 'uid'>, b: Pick<WindowConnection, 'endUs' | 'uid'>): number {
  return a.endUs - b.endUs || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}
