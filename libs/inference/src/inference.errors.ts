/**
 * One error family for the inference lib. `retriable` tells a caller whether the same input can
 * succeed later (a full queue, a crashed worker) or never will (a wrong schema: DLQ it).
 */
export abstract class InferenceError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
}

/** A vector built for another feature layout than the serving model's: DLQ it. */
export class FeatureSchemaMismatchError extends InferenceError {
  readonly code = 'FEATURE_SCHEMA_MISMATCH';
  readonly retriable = false;
  constructor(readonly key: string, readonly expected: string, readonly actual: string, readonly model: string) {
    super(`vector ${key}: feature_schema "${actual}" but model ${model} expects "${expected}"`);
    this.name = 'FeatureSchemaMismatchError';
  }
}

export class FeatureVectorLengthError extends InferenceError {
  readonly code = 'FEATURE_VECTOR_LENGTH';
  readonly retriable = false;
  constructor(readonly key: string, readonly expected: number, readonly actual: number, readonly model: string) {
    super(`vector ${key}: ${actual} values but model ${model} expects ${expected}`);
    this.name = 'FeatureVectorLengthError';
  }
}

/** NaN or ±Infinity: ONNX would score it silently, so it is rejected before. */
export class FeatureValueInvalidError extends InferenceError {
  readonly code = 'FEATURE_VALUE_INVALID';
  readonly retriable = false;
  constructor(readonly key: string, readonly index: number, readonly value: number) {
    super(`vector ${key}: value ${value} at index ${index} is not a finite number`);
    this.name = 'FeatureValueInvalidError';
  }
}

/** metadata.json or registry.json that does not follow the model artifact contract. */
export class ModelMetadataInvalidError extends InferenceError {
  readonly code = 'MODEL_METADATA_INVALID';
  readonly retriable = false;
  constructor(readonly file: string, readonly field: string, readonly reason: string) {
    super(`${file}: field "${field}" ${reason}`);
    this.name = 'ModelMetadataInvalidError';
  }
}

/** model.onnx that ONNX Runtime refuses, or whose inputs/outputs differ from its metadata. */
export class ModelLoadError extends InferenceError {
  readonly code = 'MODEL_LOAD_FAILED';
  readonly retriable = false;
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ModelLoadError';
  }
}

export class ModelNotAvailableError extends InferenceError {
  readonly code = 'MODEL_NOT_AVAILABLE';
  readonly retriable = true;
  constructor(readonly role: string, readonly reason: string) {
    super(`no ${role} model to serve: ${reason}`);
    this.name = 'ModelNotAvailableError';
  }
}

/** The bounded queue is full: wait for `whenWritable()` and submit again. */
export class InferenceQueueFullError extends InferenceError {
  readonly code = 'INFERENCE_QUEUE_FULL';
  readonly retriable = true;
  constructor(readonly limit: number) {
    super(`inference queue full (${limit} requests queued or running)`);
    this.name = 'InferenceQueueFullError';
  }
}

/** A worker died or hung twice on the same batch, or the pool is closed. */
export class InferenceWorkerError extends InferenceError {
  readonly code = 'INFERENCE_WORKER_FAILED';
  readonly retriable = true;
  constructor(readonly reason: string) {
    super(`inference worker failed: ${reason}`);
    this.name = 'InferenceWorkerError';
  }
}

/** ONNX Runtime threw while running a batch (bad shapes, a kernel error). */
export class InferenceRunError extends InferenceError {
  readonly code = 'INFERENCE_RUN_FAILED';
  readonly retriable = false;
  constructor(readonly model: string, readonly reason: string) {
    super(`model ${model}: ${reason}`);
    this.name = 'InferenceRunError';
  }
}
