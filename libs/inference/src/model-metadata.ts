import { ModelMetadataInvalidError } from './inference.errors';

export type ModelRole = 'classifier' | 'anomaly';
export type ModelOperators = 'tree-ensemble' | 'tensor';

/** metadata.json beside a model.onnx: the model artifact contract shared with the training pipeline. */
export interface ModelMetadata {
  name: string;
  version: string;
  role: ModelRole;
  file: string;
  operators: ModelOperators;
  fp16_ok: boolean;
  /** The float16 check behind `fp16_ok` (models/training/fp16.py); absent on older or tree models. */
  fp16?: ModelFp16Check;
  feature_schema: string;
  feature_names: string[];
  input: string;
  /** classifier: { probabilities }; anomaly: { score } */
  outputs: { probabilities?: string; score?: string };
  classes?: string[];
  families: Record<string, string>;
  thresholds: { alert?: number; anomaly?: number };
  training?: unknown;
  metrics?: Record<string, unknown>;
}

/**
 * metadata.fp16: measured on the model's test split against the float32 model, worst of ONNX Runtime
 * CPU and the onnx reference evaluator. `file` is the sibling it checked (null when the check failed
 * and none was written); `max_diff` is what the tolerance applies to (absolute for probabilities,
 * relative to max(1, |score|) for scores); null where float16 overflowed.
 */
export interface ModelFp16Check {
  file: string | null;
  rows?: number;
  max_abs_diff?: number | null;
  max_diff?: number | null;
  decision_agreement?: number;
  decision_flips?: number;
  flips_outside_band?: number;
}

/** registry.json: which model name serves which role. */
export interface ModelRoles {
  classifier: string | null;
  anomaly: string | null;
  shadow: string[];
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

/** Numeric semver order (1.10.0 > 1.9.0), which a string sort gets wrong. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not a semver version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

type Json = Record<string, unknown>;

function need(cond: boolean, file: string, field: string, reason: string): asserts cond {
  if (!cond) throw new ModelMetadataInvalidError(file, field, reason);
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a parsed metadata.json. `file` names the file in every error so an operator knows
 * which artifact to fix; `expected` pins name and version to the directory the file sits in.
 */
export function parseModelMetadata(raw: unknown, file: string, expected?: { name: string; version: string }): ModelMetadata {
  need(isObject(raw), file, '(root)', 'must be a JSON object');
  const m = raw;
  need(isString(m.name), file, 'name', 'must be a non-empty string');
  need(isString(m.version) && isSemver(m.version), file, 'version', `must be a semver version like 1.0.0, got ${JSON.stringify(m.version)}`);
  if (expected) {
    need(m.name === expected.name, file, 'name', `is "${m.name}" but the directory says "${expected.name}"`);
    need(m.version === expected.version, file, 'version', `is "${m.version}" but the directory says "${expected.version}"`);
  }
  need(m.role === 'classifier' || m.role === 'anomaly', file, 'role', `must be "classifier" or "anomaly", got ${JSON.stringify(m.role)}`);
  need(isString(m.file) && !m.file.includes('/') && !m.file.includes('\\'), file, 'file', 'must be a file name in the model directory');
  need(m.operators === 'tree-ensemble' || m.operators === 'tensor', file, 'operators', `must be "tree-ensemble" or "tensor", got ${JSON.stringify(m.operators)}`);
  need(typeof m.fp16_ok === 'boolean', file, 'fp16_ok', 'must be a boolean');
  const fp16 = m.fp16 === undefined ? undefined : parseFp16Check(m.fp16, m.fp16_ok, file);
  need(isString(m.feature_schema), file, 'feature_schema', 'must be a non-empty string');
  need(isStringArray(m.feature_names) && m.feature_names.length > 0, file, 'feature_names', 'must be a non-empty array of strings');
  need(isString(m.input), file, 'input', 'must name the input tensor');
  need(isObject(m.outputs), file, 'outputs', 'must be an object');
  const families = m.families === undefined ? {} : m.families;
  need(isObject(families) && Object.values(families).every(isString), file, 'families', 'must map class names to family names');
  need(isObject(m.thresholds), file, 'thresholds', 'must be an object');
  const thresholds = m.thresholds;
  if (m.role === 'classifier') {
    need(isString(m.outputs.probabilities), file, 'outputs.probabilities', 'must name the probabilities output of a classifier');
    need(isStringArray(m.classes) && m.classes.length > 0, file, 'classes', 'must be a non-empty array of class names for a classifier');
    need(new Set(m.classes).size === m.classes.length, file, 'classes', 'must not repeat a class');
    need(typeof thresholds.alert === 'number' && thresholds.alert >= 0 && thresholds.alert <= 1, file, 'thresholds.alert', 'must be a number in [0, 1] for a classifier');
  } else {
    need(isString(m.outputs.score), file, 'outputs.score', 'must name the score output of an anomaly model');
    need(typeof thresholds.anomaly === 'number' && Number.isFinite(thresholds.anomaly), file, 'thresholds.anomaly', 'must be a number for an anomaly model');
  }
  return {
    name: m.name, version: m.version, role: m.role, file: m.file, operators: m.operators, fp16_ok: m.fp16_ok,
    ...(fp16 ? { fp16 } : {}), feature_schema: m.feature_schema, feature_names: m.feature_names, input: m.input,
    outputs: { probabilities: m.outputs.probabilities as string | undefined, score: m.outputs.score as string | undefined },
    classes: m.classes as string[] | undefined, families: families as Record<string, string>,
    thresholds: { alert: thresholds.alert as number | undefined, anomaly: thresholds.anomaly as number | undefined },
    training: m.training, metrics: isObject(m.metrics) ? m.metrics : undefined,
  };
}

const isFileName = (v: unknown): v is string => isString(v) && !v.includes('/') && !v.includes('\\');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isDiff = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

function parseFp16Check(raw: unknown, fp16Ok: boolean, file: string): ModelFp16Check {
  need(isObject(raw), file, 'fp16', 'must be an object');
  need(raw.file === null || isFileName(raw.file), file, 'fp16.file', 'must be a file name in the model directory or null');
  need(!fp16Ok || raw.file !== null, file, 'fp16.file', 'is null but fp16_ok is true: no float16 file passed the check');
  const optional = <T>(field: keyof ModelFp16Check, valid: (v: unknown) => v is T, reason: string): T | undefined => {
    const v = raw[field];
    need(v === undefined || valid(v), file, `fp16.${field}`, reason);
    return v as T | undefined;
  };
  const check: ModelFp16Check = {
    file: raw.file as string | null,
    rows: optional('rows', isCount, 'must be a row count'),
    max_abs_diff: optional('max_abs_diff', isDiff, 'must be a finite number >= 0 or null'),
    max_diff: optional('max_diff', isDiff, 'must be a finite number >= 0 or null'),
    decision_agreement: optional('decision_agreement', (v): v is number => typeof v === 'number' && v >= 0 && v <= 1, 'must be a number in [0, 1]'),
    decision_flips: optional('decision_flips', isCount, 'must be a row count'),
    flips_outside_band: optional('flips_outside_band', isCount, 'must be a row count'),
  };
  return Object.fromEntries(Object.entries(check).filter(([, v]) => v !== undefined)) as unknown as ModelFp16Check;
}

export function parseModelRoles(raw: unknown, file: string): ModelRoles {
  need(isObject(raw), file, '(root)', 'must be a JSON object');
  const optionalName = (field: 'classifier' | 'anomaly'): string | null => {
    const v = raw[field];
    need(v === undefined || v === null || isString(v), file, field, 'must be a model name or null');
    return (v as string | undefined) ?? null;
  };
  const shadow = raw.shadow === undefined ? [] : raw.shadow;
  need(isStringArray(shadow), file, 'shadow', 'must be an array of model names');
  const roles = { classifier: optionalName('classifier'), anomaly: optionalName('anomaly'), shadow };
  need(roles.classifier !== null || roles.anomaly !== null, file, 'classifier', 'and "anomaly" are both empty: nothing to serve');
  return roles;
}
