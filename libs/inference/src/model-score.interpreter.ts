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
 * What a classifier's metadata says about reading its output, worked out once per batch rather
 * than per row: which column is benign, each class's label and family, the alert threshold.
 */
export interface ClassifierReading {
  readonly model: string;
  readonly version: string;
  readonly benign: number;
  readonly labels: readonly string[];
  readonly families: readonly string[];
  readonly benignFamily: string;
  readonly threshold: number;
}

export function classifierReading(meta: ModelMetadata): ClassifierReading {
  const labels = meta.classes!;
  return {
    model: meta.name, version: meta.version, benign: labels.indexOf(BENIGN), labels,
    families: labels.map((l) => meta.families[l] ?? (l === BENIGN ? BENIGN : 'unknown')),
    benignFamily: meta.families[BENIGN] ?? BENIGN,
    threshold: meta.thresholds.alert ?? 0.5,
  };
}

/**
 * A classifier calls the most probable non-benign class when its probability reaches
 * thresholds.alert; otherwise the vector is benign. Confidence stays the highest probability,
 * which is what the fusion stage weighs.
 */
export function interpretClassifier(meta: ModelMetadata, probabilities: ArrayLike<number>, shadow: boolean, offset = 0): ModelScore {
  return readClassifierRow(classifierReading(meta), probabilities, shadow, offset);
}

/** interpretClassifier for one row of a batch's output (`offset`: its first class), no subarray made. */
export function readClassifierRow(reading: ClassifierReading, probabilities: ArrayLike<number>, shadow: boolean, offset: number): ModelScore {
  const width = reading.labels.length;
  const benign = reading.benign;
  // the first maximum, and the first maximum among attack classes, as strict > keeps them
  let bestP = probabilities[offset];
  let attack = -1;
  let attackP = 0;
  for (let c = 0; c < width; c++) {
    const p = probabilities[offset + c];
    if (p > bestP) bestP = p;
    if (c !== benign && (attack < 0 || p > attackP)) {
      attack = c;
      attackP = p;
    }
  }
  const called = attack >= 0 && attackP >= reading.threshold;
  return {
    model: reading.model, version: reading.version, role: 'classifier', shadow,
    label: called ? reading.labels[attack] : BENIGN,
    family: called ? reading.families[attack] : reading.benignFamily,
    confidence: bestP, anomalyScore: null, alert: called && !shadow,
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
