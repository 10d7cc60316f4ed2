import type { ModelMetadata } from './model-metadata';
import { interpretAnomaly, interpretClassifier } from './model-score.interpreter';

const classifier = {
  name: 'c', version: '1.0.0', role: 'classifier', classes: ['benign', 'syn-flood', 'port-scan'],
  families: { benign: 'benign', 'syn-flood': 'dos', 'port-scan': 'scan' }, thresholds: { alert: 0.5 },
} as unknown as ModelMetadata;
const anomaly = { name: 'a', version: '2.0.0', role: 'anomaly', families: {}, thresholds: { anomaly: 4 } } as unknown as ModelMetadata;

describe('interpretClassifier', () => {
  it.each([
    ['benign most probable', [0.8, 0.15, 0.05], false, 'benign', 'benign', 0.8, false],
    ['attack over the threshold', [0.2, 0.7, 0.1], false, 'syn-flood', 'dos', 0.7, true],
    ['attack most probable but under the threshold', [0.3, 0.25, 0.45], false, 'benign', 'benign', 0.45, false],
    ['attack at exactly the threshold', [0.5, 0, 0.5], false, 'port-scan', 'scan', 0.5, true],
    ['a shadow labels but never alerts', [0.1, 0.9, 0], true, 'syn-flood', 'dos', 0.9, false],
  ])('%s', (_name, probs, shadow, label, family, confidence, alert) => {
    expect(interpretClassifier(classifier, probs, shadow)).toEqual({
      model: 'c', version: '1.0.0', role: 'classifier', shadow, label, family, confidence, anomalyScore: null, alert,
    });
  });
});

// benign not in the first column, and a class the families map leaves out
const reordered = {
  name: 'r', version: '3.0.0', role: 'classifier', classes: ['syn-flood', 'benign', 'new-attack', 'port-scan'],
  families: { benign: 'benign', 'syn-flood': 'dos', 'port-scan': 'scan' }, thresholds: { alert: 0.3 },
} as unknown as ModelMetadata;

describe('interpretClassifier, benign column elsewhere (the reading worked out once per batch)', () => {
  it.each([
    ['benign in the middle, most probable', [0.1, 0.6, 0.2, 0.1], 'benign', 'benign', 0.6, false],
    ['two attack classes tied: the first one', [0.35, 0.3, 0, 0.35], 'syn-flood', 'dos', 0.35, true],
    ['benign tied with an attack at the top: confidence is that probability', [0.45, 0.45, 0.1, 0], 'syn-flood', 'dos', 0.45, true],
    ['a class without a family', [0.1, 0.2, 0.7, 0], 'new-attack', 'unknown', 0.7, true],
    ['every attack under the threshold', [0.29, 0.2, 0.25, 0.26], 'benign', 'benign', 0.29, false],
  ])('%s', (_name, probs, label, family, confidence, alert) => {
    expect(interpretClassifier(reordered, Float32Array.from(probs), false)).toEqual({
      model: 'r', version: '3.0.0', role: 'classifier', shadow: false, label, family, confidence: Math.fround(confidence), anomalyScore: null, alert,
    });
  });
});

describe('interpretClassifier on a whole batch output', () => {
  it('reads the row at `offset` alone, as the same probabilities in their own array do', () => {
    const rows = [[0.8, 0.15, 0.05], [0.2, 0.7, 0.1], [0.3, 0.25, 0.45], [0.1, 0.1, 0.8]];
    const batch = Float32Array.from(rows.flat());
    rows.forEach((probs, r) => {
      expect(interpretClassifier(classifier, batch, false, r * 3)).toEqual(interpretClassifier(classifier, Float32Array.from(probs), false));
    });
    expect(interpretClassifier(classifier, batch, false, 9)).toMatchObject({ label: 'port-scan', family: 'scan', alert: true });
  });
});

describe('interpretAnomaly', () => {
  it.each([
    ['under the threshold', 1, 'benign', 0.2, false],
    ['at the threshold', 4, 'anomaly', 0.5, true],
    ['far above', 36, 'anomaly', 0.9, true],
  ])('%s', (_name, score, label, confidence, alert) => {
    const s = interpretAnomaly(anomaly, score, false);
    expect([s.label, s.family === label, s.anomalyScore, s.alert]).toEqual([label, true, score, alert]);
    expect(s.confidence).toBeCloseTo(confidence, 10);
  });
});
