import { FlowLabeller, LABELS_HEADER, LabelsInvalidError, parseLabels } from './flow-labels';

const header = LABELS_HEADER.join(',');
const BASE: Record<(typeof LABELS_HEADER)[number], string> = {
  src_ip: '10.0.0.1', src_port: '40000', dst_ip: '10.0.0.2', dst_port: '80', proto: 'tcp', first_ts: '100.5', last_ts: '101.25',
  label: 'syn-flood', family: 'dos', scenario: 's1',
};
const row = (over: Partial<typeof BASE> = {}) => LABELS_HEADER.map((h) => over[h] ?? BASE[h]).join(',');

describe('parseLabels', () => {
  it('reads rows of the labelled-capture contract', () => {
    expect(parseLabels(`${header}\n${row()}\n`, 'labels.csv')).toEqual([{
      srcIp: '10.0.0.1', srcPort: 40000, dstIp: '10.0.0.2', dstPort: 80, proto: 'tcp', firstUs: 100_500_000, lastUs: 101_250_000,
      label: 'syn-flood', family: 'dos', scenario: 's1', line: 2,
    }]);
  });

  it.each([
    ['a wrong header', 'src,dst\n', 1, 'header must be'],
    ['a short row', `${header}\n1,2,3\n`, 2, 'expected 10 fields, found 3'],
    ['a bad port', `${header}\n${row({ src_port: 'x' })}\n`, 2, 'src_port "x" is not a number'],
    ['a bad proto', `${header}\n${row({ proto: 'sctp' })}\n`, 2, 'proto "sctp"'],
    ['a bad family', `${header}\n${row({ family: 'evil' })}\n`, 2, 'family "evil"'],
    ['benign with an attack family', `${header}\n${row({ label: 'benign' })}\n`, 2, 'label "benign" does not fit family "dos"'],
  ])('rejects %s, naming file and line', (_n, text, line, reason) => {
    const call = () => parseLabels(text, 'lab/labels.csv');
    expect(call).toThrow(LabelsInvalidError);
    expect(call).toThrow(`lab/labels.csv:${line}: ${reason}`);
  });
});

describe('FlowLabeller', () => {
  const labels = parseLabels([header, row(), row({ first_ts: '500', last_ts: '501', label: 'benign', family: 'benign', scenario: 'b' })].join('\n'), 'l');
  const labeller = new FlowLabeller(labels);
  const flow = { proto: 'tcp', orig_h: '10.0.0.1', orig_p: 40000, resp_h: '10.0.0.2', resp_p: 80, ts_us: 100_600_000, last_ts_us: 101_000_000 };

  it.each([
    ['same direction', flow, 'syn-flood'],
    ['reverse direction', { ...flow, orig_h: '10.0.0.2', orig_p: 80, resp_h: '10.0.0.1', resp_p: 40000 }, 'syn-flood'],
    ['port reuse later in time picks the matching row', { ...flow, ts_us: 500_100_000, last_ts_us: 500_200_000 }, 'benign'],
    ['another port', { ...flow, orig_p: 1 }, null],
    ['no time overlap', { ...flow, ts_us: 300_000_000, last_ts_us: 300_100_000 }, null],
  ])('%s', (_n, f, label) => {
    expect(labeller.labelOf(f)?.label ?? null).toBe(label);
  });
});
