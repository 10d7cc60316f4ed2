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
