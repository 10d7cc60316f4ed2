import type { ModelMetadata } from './model-metadata';

/** One model's verdict on one vector. */
export interface ModelScore {
  model: string;
  version: string;
  role: 'classifier' | 'anomaly';
  /** Shadow models are scored and recorded but never alert. */
  shadow: boolean;
  label: string;
  family: string;
  /** classifier: the highest class probability; anomaly: score / (score + threshold), 0.5 at the threshold. */
  confidence: number;
  /** anomaly models only; higher = more anomalous. */
  anomalyScore: number | null;
  /** The model calls this vector an attack (always false for a shadow). */
  alert: boolean;
}

const BENIGN = 'benign';

/**
 * A classifier calls the most probable non-benign class when its probability reaches
 * thresholds.alert; otherwise the vector is benign. Confidence stays the highest probability,
 * which is what the fusion stage weighs.
 */
export function interpretClassifier(meta: ModelMetadata, probabilities: ArrayLike<number>, shadow: boolean, offset = 0): ModelScore {
  // `offset`: this row's first class in a whole batch's output, so no per-row subarray is made
  const classes = meta.classes!;
  let best = offset;
  let attack = -1;
  for (let c = 0; c < classes.length; c++) {
    const p = probabilities[offset + c];
    if (p > probabilities[best]) best = offset + c;
    if (classes[c] !== BENIGN && (attack < 0 || p > probabilities[attack])) attack = offset + c;
  }
  const called = attack >= 0 && probabilities[attack] >= (meta.thresholds.alert ?? 0.5);
  const label = called ? classes[attack - offset] : BENIGN;
  return {
    model: meta.name, version: meta.version, role: 'classifier', shadow, label,
    family: meta.families[label] ?? (label === BENIGN ? BENIGN : 'unknown'),
    confidence: probabilities[best], anomalyScore: null, alert: called && !shadow,
  };
}

export function interpretAnomaly(meta: ModelMetadata, score: number, shadow: boolean): ModelScore {
  const threshold = meta.thresholds.anomaly!;
  const anomalous = score >= threshold;
  const confidence = threshold > 0 && score >= 0 ? score / (score + threshold) : anomalous ? 1 : 0;
  return {
    model: meta.name, version: meta.version, role: 'anomaly', shadow, label: anomalous ? 'anomaly' : BENIGN,
    family: anomalous ? 'anomaly' : BENIGN, confidence, anomalyScore: score, alert: anomalous && !shadow,
  };
}
