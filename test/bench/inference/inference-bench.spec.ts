import { BATCH_SIZES, parseInferenceBenchArgs, QUICK_BATCH_SIZES } from './inference-bench-args';
import { DISTINCT_BATCHES, FeatureCsvInvalidError, batchOffsets, parseFeatureCsv, sliceBatches } from './feature-rows';
import { percentile, summarizeLatencies } from './latency-stats';

describe('percentile (numpy linear, as inference-reference.py computes it)', () => {
  // expected values printed by numpy.percentile
  it.each([
    [[1, 2, 3, 4, 5], 50, 3],
    [[1, 2, 3, 4, 5], 99, 4.96],
    [[1, 2, 3, 4, 5], 0, 1],
    [[1, 2, 3, 4, 5], 100, 5],
    [Array.from({ length: 100 }, (_, i) => (i + 1) / 1000), 50, 0.0505],
    [Array.from({ length: 100 }, (_, i) => (i + 1) / 1000), 99, 0.09901],
    [[7], 99, 7],
  ])('of %j at %d is %d', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBeCloseTo(expected, 12);
  });

  it('refuses nothing and p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow('percentile of nothing');
    expect(() => percentile([1], 101)).toThrow('0..100');
  });

  it('summarizes latencies in seconds given in run order as milliseconds over the sorted samples', () => {
    const s = summarizeLatencies([0.005, 0.001, 0.004, 0.002, 0.003], 160);
    expect(s).toMatchObject({ iterations: 5, rows: 160, min_ms: 1, max_ms: 5 });
    expect(s.seconds).toBeCloseTo(0.015, 12);
    expect(s.p50_ms).toBeCloseTo(3, 9);
    expect(s.p99_ms).toBeCloseTo(4.96, 9);
    expect(s.mean_ms).toBeCloseTo(3, 9);
  });
});

describe('feature rows', () => {
  const csv = 'flow_uid,ts,scenario,label,family,a,b\nC1,1.5,s,benign,benign,1,2.5\r\nC2,2,s,xss,web,-3,1e3\n';

  it('keeps the feature columns after the five leading ones, row-major float32', () => {
    const rows = parseFeatureCsv(csv, 'x.csv');
    expect(rows.featureNames).toEqual(['a', 'b']);
    expect(rows.rows).toBe(2);
    expect(Array.from(rows.data)).toEqual([1, 2.5, -3, 1000]);
  });

  it.each([
    ['flow_uid,ts,label,scenario,family,a\n', 'x.csv:1: header must start with flow_uid,ts,scenario,label,family'],
    ['flow_uid,ts,scenario,label,family,a\nC1,1,s,b,b\n', 'x.csv:2: 5 columns, the header has 6'],
    ['flow_uid,ts,scenario,label,family,a\nC1,1,s,b,b,nan\n', 'x.csv:2: a is not a finite number: "nan"'],
    ['flow_uid,ts,scenario,label,family,a\nC1,1,s,b,b,\n', 'x.csv:2: a is not a finite number: ""'],
  ])('refuses %j', (text, message) => {
    expect(() => parseFeatureCsv(text, 'x.csv')).toThrow(FeatureCsvInvalidError);
    expect(() => parseFeatureCsv(text, 'x.csv')).toThrow(message);
  });

  it('starts batch k at k * size, wrapped so that every batch fits', () => {
    expect(batchOffsets(100, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(batchOffsets(100, 40)).toEqual([0, 40, 19, 59, 38, 17, 57, 36]);
    expect(batchOffsets(5, 5)).toEqual(Array(DISTINCT_BATCHES).fill(0));
    expect(() => batchOffsets(5, 6)).toThrow('batch 6 does not fit in 5 rows');
  });

  it('slices each batch into a buffer of its own', () => {
    const rows = { featureNames: ['a', 'b'], rows: 5, data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) };
    const batches = sliceBatches(rows, 2);
    expect(batches.map((b) => Array.from(b))).toEqual([0, 1, 2, 3].flatMap(() => [[1, 2, 3, 4], [5, 6, 7, 8]]));
    expect(batches[0].buffer).not.toBe(rows.data.buffer);
  });
});

describe('inference bench arguments', () => {
  it('measures every batch size in 3 rounds of 1.5 s cells, or a quick single round', () => {
    expect(parseInferenceBenchArgs([])).toMatchObject({ quick: false, repeat: 3, seconds: 1.5, batches: BATCH_SIZES, cpu: 0, out: 'out/bench/inference-bench.json' });
    expect(parseInferenceBenchArgs(['--quick'])).toMatchObject({ quick: true, repeat: 1, batches: QUICK_BATCH_SIZES, engineBatches: [32, 1024] });
  });

  it('reads the options and keeps engine batch sizes among the chosen ones', () => {
    expect(parseInferenceBenchArgs(['--repeat', '5', '--seconds', '0.5', '--batches', '32,64', '--only', 'node-ort,engine', '--cpu', '1']))
      .toMatchObject({ repeat: 5, seconds: 0.5, batches: [32, 64], engineBatches: [32], only: ['node-ort', 'engine'], cpu: 1 });
  });

  it.each([
    [['--repeat', '0'], '--repeat wants a positive integer, got 0'],
    [['--seconds', 'x'], '--seconds wants a positive number, got x'],
    [['--only', 'tensorflow'], '--only takes node-ort,engine,python-ort,python-model, got tensorflow'],
    [['--cpu', '-1'], '--cpu wants a CPU number, got -1'],
    [['--fast'], 'unknown option --fast'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseInferenceBenchArgs(argv)).toThrow(message);
  });
});
