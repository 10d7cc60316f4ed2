import { TCP_FLAGS } from '@ids/packet';
import { TcpConnectionTable, TcpConnectionTableOptions, TcpPacketView } from './tcp-connection.table';

const { SYN, ACK, PSH, RST } = TCP_FLAGS;
const OPTIONS: TcpConnectionTableOptions = { maxBufferedBytes: 64, maxConnectionBufferedBytes: 64, windowBytes: 16, maxConnections: 2, idleTimeoutUs: 1_000_000 };
const pkt = (tsUs: number, src: string, srcPort: number, seq: number, payload: string, flags = ACK | PSH): TcpPacketView =>
  ({ tsUs, src, srcPort, seq, flags, payload: Uint8Array.from(Buffer.from(payload, 'latin1')) });

describe('TcpConnectionTable', () => {
  it.each([
    { name: 'SYN sender is the client', first: pkt(0, '10.0.0.1', 4000, 10, '', SYN), expectClientToServer: true },
    { name: 'SYN-ACK sender is the server', first: pkt(0, '10.0.0.2', 80, 10, '', SYN | ACK), expectClientToServer: true },
  ])('$name', ({ first, expectClientToServer }) => {
    const t = new TcpConnectionTable(OPTIONS);
    t.accept('k', first);
    // The client's first data byte follows its SYN (seq 11), or is the first client byte seen.
    const d = t.accept('k', pkt(1, '10.0.0.1', 4000, 11, 'GET'));
    expect(d?.toServer).toBe(expectClientToServer);
  });

  it('treats the sender of the first mid-stream packet as the client', () => {
    const t = new TcpConnectionTable(OPTIONS);
    expect(t.accept('k', pkt(0, '10.0.0.2', 80, 7, 'HTTP/1.1'))?.toServer).toBe(true);
    expect(t.accept('k', pkt(1, '10.0.0.1', 4000, 9, 'GET'))?.toServer).toBe(false);
  });

  it('expires idle connections in event time', () => {
    const t = new TcpConnectionTable(OPTIONS);
    t.accept('a', pkt(0, '10.0.0.1', 1, 0, 'x'));
    t.accept('b', pkt(600_000, '10.0.0.1', 2, 0, 'x'));
    expect(t.expire(1_000_000)).toBe(1);
    expect([t.get('a'), t.get('b') !== undefined]).toEqual([undefined, true]);
    // Activity moves a connection to the back: 'b' at 1.5 s is not idle at 2.0 s.
    t.accept('b', pkt(1_500_000, '10.0.0.1', 2, 1, 'y'));
    expect(t.expire(2_000_000)).toBe(0);
    expect(t.counters.expired).toBe(1);
  });

  it('evicts the least recently active connection beyond maxConnections', () => {
    const t = new TcpConnectionTable(OPTIONS);
    t.accept('a', pkt(0, '10.0.0.1', 1, 0, 'x'));
    t.accept('b', pkt(1, '10.0.0.1', 2, 0, 'x'));
    t.accept('a', pkt(2, '10.0.0.1', 1, 1, 'y'));
    t.accept('c', pkt(3, '10.0.0.1', 3, 0, 'x'));
    expect(t.size).toBe(2);
    expect(t.get('b')).toBeUndefined();
    expect(t.get('a')?.deliveredBytes(true)).toBe(2);
    expect(t.counters).toEqual({ created: 3, expired: 0, evicted: 1 });
  });

  it('starts afresh when a SYN reuses the key of a closed connection', () => {
    const t = new TcpConnectionTable(OPTIONS);
    t.accept('k', pkt(0, '10.0.0.1', 4000, 100, '', SYN));
    t.accept('k', pkt(1, '10.0.0.2', 80, 900, '', RST));
    expect(t.get('k')?.closed).toBe(true);
    t.accept('k', pkt(2, '10.0.0.1', 4000, 5000, '', SYN));
    expect(Buffer.from(t.accept('k', pkt(3, '10.0.0.1', 4000, 5001, 'GET'))!.data).toString()).toBe('GET');
    expect(t.counters.created).toBe(2);
  });

  it('remove forgets a connection', () => {
    const t = new TcpConnectionTable(OPTIONS);
    t.accept('a', pkt(0, '10.0.0.1', 1, 0, 'x'));
    expect(t.remove('a')).toBe(true);
    expect(t.size).toBe(0);
  });
});
