import { flowKey, parseFlowKey, type FlowKeyInput } from './flow-key';

const base: FlowKeyInput = { ipProto: 6, vlan: null, src: '10.0.0.5', dst: '10.0.0.80', srcPort: 49200, dstPort: 80, addressOrder: -1 };

describe('flowKey', () => {
  it.each<[string, FlowKeyInput, string]>([
    ['lower source address first', base, '6/0/10.0.0.5/49200/10.0.0.80/80'],
    ['the reverse direction, same key', { ...base, src: '10.0.0.80', dst: '10.0.0.5', srcPort: 80, dstPort: 49200, addressOrder: 1 }, '6/0/10.0.0.5/49200/10.0.0.80/80'],
    ['equal addresses: lower port first', { ...base, dst: '10.0.0.5', srcPort: 9000, dstPort: 22, addressOrder: 0 }, '6/0/10.0.0.5/22/10.0.0.5/9000'],
    ['a VLAN', { ...base, vlan: 100 }, '6/100/10.0.0.5/49200/10.0.0.80/80'],
    ['IPv6', { ...base, src: '2001:db8::20', dst: '2001:db8::1', addressOrder: 1 }, '6/0/2001:db8::1/80/2001:db8::20/49200'],
    ['ICMP echo request', { ...base, ipProto: 1, srcPort: 8, dstPort: 0 }, '1/0/10.0.0.5/8/10.0.0.80/0'],
    ['ICMP echo reply', { ...base, ipProto: 1, src: '10.0.0.80', dst: '10.0.0.5', srcPort: 0, dstPort: 8, addressOrder: 1 }, '1/0/10.0.0.5/8/10.0.0.80/0'],
  ])('%s', (_name, input, key) => {
    expect(flowKey(input)).toBe(key);
  });

  it('parses what it makes', () => {
    expect(parseFlowKey('6/0/2001:db8::1/80/2001:db8::20/49200')).toEqual({ ipProto: 6, vlan: 0, addressA: '2001:db8::1', portA: 80, addressB: '2001:db8::20', portB: 49200 });
    expect(parseFlowKey('6/0/a/x/b/1')).toBeNull();
    expect(parseFlowKey('nonsense')).toBeNull();
  });
});
