/**
 * State of one side of a flow. For TCP these follow Zeek's TCP endpoint states; for other
 * protocols a side is INACTIVE until it sends, then ACTIVE.
 */
export type EndpointState =
  | 'INACTIVE'
  | 'SYN_SENT'
  | 'SYN_ACK_SENT'
  | 'PARTIAL'
  | 'ESTABLISHED'
  | 'CLOSED'
  | 'RESET'
  | 'ACTIVE';

export interface ConnStateInput {
  ipProto: number;
  origState: EndpointState;
  respState: EndpointState;
  origBytes: number;
  respBytes: number;
  history: string;
}

/**
 * Zeek's conn_state (base/protocols/conn/main.zeek, function conn_state) from the endpoint
 * states. UDP: S0 when only the originator sent, SF when both did, SHR when only the responder
 * did (a flipped flow); ICMP and other protocols: OTH, as Zeek.
 *
 *   S0   SYN seen, no reply            S1    established, not closed      SF   closed normally
 *   REJ  attempt rejected (RST)        RSTO  originator aborted (RST)     RSTR responder aborted
 *   RSTOS0 originator SYN then RST, no SYN-ACK      RSTRH responder SYN-ACK then RST, no SYN seen
 *   SH   originator SYN then FIN, no SYN-ACK        SHR  responder SYN-ACK then FIN, no SYN seen
 *   S2 / S3  established, only the originator / only the responder closed      OTH  anything else
 */
export function connState(flow: ConnStateInput): string {
  const os = flow.origState;
  const rs = flow.respState;
  if (flow.ipProto === 17) {
    if (os === 'ACTIVE') return rs === 'ACTIVE' ? 'SF' : 'S0';
    return rs === 'ACTIVE' ? 'SHR' : 'OTH';
  }
  if (flow.ipProto !== 6) return 'OTH';
  const origInactive = os === 'INACTIVE' || os === 'PARTIAL';
  const respInactive = rs === 'INACTIVE' || rs === 'PARTIAL';
  if (rs === 'RESET') {
    if (os === 'SYN_SENT' || os === 'SYN_ACK_SENT' || (os === 'RESET' && flow.origBytes === 0 && flow.respBytes === 0)) return 'REJ';
    return origInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === 'RESET') {
    if (respInactive) return /^\^?S[^HAFGIQ]*R/.test(flow.history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === 'CLOSED' && os === 'CLOSED') return 'SF';
  if (os === 'CLOSED') return respInactive ? 'SH' : 'S2';
  if (rs === 'CLOSED') return origInactive ? 'SHR' : 'S3';
  if (os === 'SYN_SENT' && rs === 'INACTIVE') return 'S0';
  if (os === 'ESTABLISHED' && rs === 'ESTABLISHED') return 'S1';
  return 'OTH';
}
