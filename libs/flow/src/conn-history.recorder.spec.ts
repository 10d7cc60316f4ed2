import { flowKey } from './flow-key';
import { resolveFlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { openFlow, updateFlow, type FlowPacket } from './flow-state';
import { seenBitsOf, HistoryBit } from './conn-history.recorder';
import { F, TcpScript, packet } from './flow-test.packets';

const options = resolveFlowOptions();

function historyOf(packets: FlowPacket[]): string {
  const state = openFlow(packets[0], flowKey(packets[0]));
  for (const p of packets) updateFlow(state, p, options);
  return toFlowRecord(state, 'END').history;
}

describe('TCP history letters (Zeek update_history)', () => {
  const { SYN, ACK, FIN, RST, PSH } = F;
  const tenRetransmissions = new TcpScript().handshake().send('c', PSH | ACK, 100);
  for (let i = 0; i < 10; i++) tenRetransmissions.resend('c', PSH | ACK, 100);
  const elevenZeroWindows = new TcpScript().handshake();
  for (let i = 0; i < 11; i++) elevenZeroWindows.send('s', ACK, 0, { win: 0 });

  it.each<[string, TcpScript, string]>([
    ['pure ACKs and data once per direction', new TcpScript().handshake().send('c', ACK).send('c', PSH | ACK, 10).send('c', PSH | ACK, 10).send('s', ACK).send('s', ACK), 'ShADa'],
    ['a FIN with payload records F, not D (Zeek: D only without SYN/FIN/RST)', new TcpScript().handshake().send('s', FIN | PSH | ACK, 50), 'ShAf'],
    ['a retransmitted FIN (same end) is recorded once', new TcpScript().handshake().send('c', FIN | ACK).resend('c', FIN | ACK, 0, 1), 'ShAF'],
    ['a second RST with another sequence number repeats R', new TcpScript().handshake().send('s', RST).send('s', RST, 0, { seq: 99_999 }), 'ShArr'],
    ['a retransmitted payload records T', new TcpScript().handshake().send('c', PSH | ACK, 100).resend('c', PSH | ACK, 100), 'ShADT'],
    ['T is logarithmic: 10 retransmissions give TT', tenRetransmissions, 'ShADTT'],
    ['a zero window records W; 11 of them give ww', elevenZeroWindows, 'ShAaww'],
    ['a zero window on a SYN or RST is not recorded', new TcpScript().send('c', SYN, 0, { win: 0 }).send('s', RST | ACK, 0, { win: 0 }), 'Sr'],
    ['SYN with FIN is Q', new TcpScript().send('c', SYN | FIN), 'Q'],
    ['SYN with RST is Q, once', new TcpScript().send('c', SYN | RST).send('c', SYN | RST), 'Q'],
    ['FIN with RST is I', new TcpScript().handshake().send('s', FIN | RST | ACK), 'ShAi'],
    ['a SYN-ACK first flips the flow', new TcpScript().send('s', SYN | ACK).send('c', ACK).send('s', PSH | ACK, 5), '^hAd'],
  ])('%s', (_name, script, history) => {
    expect(historyOf(script.packets)).toBe(history);
  });

  it('records no letters for ICMP and D/d for UDP payload only', () => {
    expect(historyOf([packet({ from: 'c', proto: 1, len: 56, clientPort: 8, serverPort: 0 })])).toBe('');
    expect(historyOf([packet({ from: 'c', proto: 17, len: 0, serverPort: 9999 }), packet({ from: 's', proto: 17, len: 4, serverPort: 9999, at: 1 })])).toBe('d');
  });
});

describe('seenBitsOf', () => {
  it.each([
    ['', 0],
    ['ShAD', HistoryBit.SYN | HistoryBit.ACK | HistoryBit.DATA | (HistoryBit.SYN << 16)],
    ['^hadTW', (HistoryBit.SYN | HistoryBit.ACK | HistoryBit.DATA) << 16],
    ['Qi', HistoryBit.MULTI_FLAG | (HistoryBit.FIN_RST << 16)],
  ])('%s', (history, bits) => {
    expect(seenBitsOf(history)).toBe(bits);
  });
});
