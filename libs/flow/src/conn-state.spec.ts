import { connState, type ConnStateInput, type EndpointState } from './conn-state';

describe('connState (Zeek conn_state)', () => {
  const tcp = (origState: EndpointState, respState: EndpointState, history = '', bytes = 0): ConnStateInput => ({
    ipProto: 6, origState, respState, origBytes: bytes, respBytes: 0, history,
  });
  it.each([
    ['S0', tcp('SYN_SENT', 'INACTIVE', 'S')],
    ['S1', tcp('ESTABLISHED', 'ESTABLISHED', 'ShA')],
    ['SF', tcp('CLOSED', 'CLOSED', 'ShAFf')],
    ['REJ', tcp('SYN_SENT', 'RESET', 'Sr')],
    ['REJ', tcp('RESET', 'RESET', 'Rr')],
    ['RSTO', tcp('RESET', 'ESTABLISHED', 'ShADR', 10)],
    ['RSTR', tcp('ESTABLISHED', 'RESET', 'ShADr', 10)],
    ['RSTOS0', tcp('RESET', 'INACTIVE', 'SR')],
    ['RSTRH', tcp('INACTIVE', 'RESET', 'hr')],
    ['SH', tcp('CLOSED', 'INACTIVE', 'SF')],
    ['SHR', tcp('INACTIVE', 'CLOSED', 'hf')],
    ['S2', tcp('CLOSED', 'ESTABLISHED', 'ShAF')],
    ['S3', tcp('ESTABLISHED', 'CLOSED', 'ShAf')],
    ['OTH', tcp('PARTIAL', 'PARTIAL', 'Dd')],
    ['OTH', tcp('RESET', 'INACTIVE', 'R')],
    ['OTH', tcp('INACTIVE', 'SYN_ACK_SENT', '^h')],
    ['RSTOS0', tcp('RESET', 'INACTIVE', '^SR')],
    ['SF', { ...tcp('ACTIVE', 'ACTIVE'), ipProto: 17 }],
    ['S0', { ...tcp('ACTIVE', 'INACTIVE'), ipProto: 17 }],
    ['SHR', { ...tcp('INACTIVE', 'ACTIVE'), ipProto: 17 }],
    ['OTH', { ...tcp('INACTIVE', 'INACTIVE'), ipProto: 17 }],
    ['OTH', { ...tcp('ACTIVE', 'ACTIVE'), ipProto: 1 }],
    ['OTH', { ...tcp('ACTIVE', 'INACTIVE'), ipProto: 58 }],
    ['OTH', { ...tcp('ACTIVE', 'ACTIVE'), ipProto: 47 }],
  ])('%s', (expected, input) => {
    expect(connState(input)).toBe(expected);
  });
});
