import { parseBenchArgs } from './bench-args';
import { figure, median, si } from './sample-stats';

describe('sample stats', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of nothing');
  });

  it('keeps the samples in run order beside median, min and max', () => {
    expect(figure('packets/s', [5, 9, 7])).toEqual({ unit: 'packets/s', median: 7, min: 5, max: 9, samples: [5, 9, 7] });
  });

  it('prints large numbers with an SI prefix', () => {
    expect(si(2_497_359)).toBe('2.50 M');
    expect(si(66_600)).toBe('66.6 k');
    expect(si(612)).toBe('612');
  });
});

describe('bench arguments', () => {
  it('has defaults for a 1 GiB capture under .local/bench, 3 runs, out/bench/flow-bench.json', () => {
    expect(parseBenchArgs([])).toEqual({ capture: '.local/bench/capture.pcap', repeat: 3, out: 'out/bench/flow-bench.json', memoryFlows: 200_000, only: [] });
  });

  it('reads every option and refuses unknown ones and bad numbers', () => {
    expect(parseBenchArgs(['--repeat', '5', '--bytes', '1000', '--only', 'read,flow'])).toMatchObject({ repeat: 5, bytes: 1000, only: ['read', 'flow'] });
    expect(() => parseBenchArgs(['--repeat', '0'])).toThrow('--repeat wants a positive integer');
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option --fast');
    expect(() => parseBenchArgs(['--out'])).toThrow('--out wants a value');
  });
});
