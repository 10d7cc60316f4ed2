import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelMetadataInvalidError } from './inference.errors';
import { compareSemver, parseModelMetadata, parseModelRoles } from './model-metadata';

describe('compareSemver', () => {
  it.each([
    ['1.0.0', '1.0.0', 0],
    ['1.10.0', '1.9.0', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.0.10', '1.0.9', 1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareSemver(a, b))).toBe(sign);
  });
});

describe('parseModelRoles', () => {
  it('reads classifier, anomaly and shadows, shadows optional', () => {
    expect(parseModelRoles({ classifier: 'g', anomaly: 'a', shadow: ['m'] }, 'r.json')).toEqual({ classifier: 'g', anomaly: 'a', shadow: ['m'] });
    expect(parseModelRoles({ anomaly: 'a' }, 'r.json')).toEqual({ classifier: null, anomaly: 'a', shadow: [] });
  });

  it.each([
    [{}, 'classifier'],
    [{ classifier: 3 }, 'classifier'],
    [{ classifier: 'g', shadow: 'm' }, 'shadow'],
    [[], '(root)'],
  ])('refuses %j naming field %s', (raw, field) => {
    expect(() => parseModelRoles(raw, 'r.json')).toThrow(ModelMetadataInvalidError);
    expect(() => parseModelRoles(raw, 'r.json')).toThrow(`r.json: field "${field}"`);
  });
});

describe('parseModelMetadata', () => {
  const anomaly = {
    name: 'ae', version: '1.0.0', role: 'anomaly', file: 'model.onnx', operators: 'tensor', fp16_ok: true,
    feature_schema: 's/1', feature_names: ['a', 'b'], input: 'input', outputs: { score: 'score' }, thresholds: { anomaly: 0.9 },
  };

  it('accepts an anomaly model without classes or families', () => {
    expect(parseModelMetadata(anomaly, 'm.json')).toMatchObject({ role: 'anomaly', families: {}, outputs: { score: 'score' } });
  });

  const fp16 = { file: 'model.fp16.onnx', rows: 7294, evaluators: ['onnxruntime-cpu', 'onnx-reference'], max_abs_diff: 0.0072, max_diff: 0.0017,
    tolerance: '0.01 * max(1, |score|)', decision_agreement: 1, decision_flips: 0, flips_outside_band: 0, max_flip_rate: 0.001 };

  it('accepts the float16 check the training pipeline records, keeping its measured figures', () => {
    expect(parseModelMetadata({ ...anomaly, fp16 }, 'm.json').fp16).toEqual({
      file: 'model.fp16.onnx', rows: 7294, max_abs_diff: 0.0072, max_diff: 0.0017, decision_agreement: 1, decision_flips: 0, flips_outside_band: 0,
    });
    expect(parseModelMetadata({ ...anomaly, fp16_ok: false, fp16: { file: null, max_diff: null } }, 'm.json').fp16).toEqual({ file: null, max_diff: null });
    expect(parseModelMetadata(anomaly, 'm.json').fp16).toBeUndefined();
  });

  it.each(['flow-mlp', 'flow-ae'])('accepts the committed %s 2.0.0 metadata with its fp16 check', (name) => {
    const file = join(__dirname, '..', '..', '..', 'models', name, '2.0.0', 'metadata.json');
    const parsed = parseModelMetadata(JSON.parse(readFileSync(file, 'utf8')), file, { name, version: '2.0.0' });
    expect([parsed.fp16_ok, parsed.fp16?.file, parsed.fp16?.flips_outside_band]).toEqual([true, 'model.fp16.onnx', 0]);
    expect(parsed.fp16?.max_diff).toBeLessThanOrEqual(0.01);
  });

  it.each([
    ['not an object', { fp16: 'yes' }, 'fp16'],
    ['a path outside the model directory', { fp16: { ...fp16, file: '../x.onnx' } }, 'fp16.file'],
    ['no file while fp16_ok is true', { fp16: { ...fp16, file: null } }, 'fp16.file'],
    ['a negative difference', { fp16: { ...fp16, max_diff: -1 } }, 'fp16.max_diff'],
    ['an agreement above 1', { fp16: { ...fp16, decision_agreement: 2 } }, 'fp16.decision_agreement'],
    ['a fractional flip count', { fp16: { ...fp16, decision_flips: 0.5 } }, 'fp16.decision_flips'],
  ])('refuses an fp16 check with %s', (_what, change, field) => {
    expect(() => parseModelMetadata({ ...anomaly, ...change }, 'm.json')).toThrow(`m.json: field "${field}"`);
  });

  it.each([
    [{ outputs: {} }, 'outputs.score'],
    [{ thresholds: {} }, 'thresholds.anomaly'],
    [{ file: '../x.onnx' }, 'file'],
    [{ fp16_ok: 'yes' }, 'fp16_ok'],
    [{ version: 'v1' }, 'version'],
  ])('refuses %j naming field %s', (change, field) => {
    expect(() => parseModelMetadata({ ...anomaly, ...change }, 'm.json')).toThrow(`m.json: field "${field}"`);
  });
});
