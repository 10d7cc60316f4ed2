"""Errors of the training pipeline: `<Thing><Problem>Error` with a `code` and the input that caused it."""


class TrainingError(Exception):
    code = "TRAINING_FAILED"

    def __init__(self, message: str, input_ref: object = None):
        super().__init__(f"{message} (input: {input_ref})" if input_ref is not None else message)
        self.input = input_ref


class DatasetSchemaError(TrainingError):
    """The CSV or its sidecar does not follow the dataset contract."""

    code = "DATASET_SCHEMA"


class DatasetValueError(TrainingError):
    """A feature value is not a finite number, or a column holds an unknown value."""

    code = "DATASET_VALUE"


class SplitEmptyError(TrainingError):
    """The scenario/time split left the train or validation split without rows."""

    code = "SPLIT_EMPTY"


class OnnxGraphEditError(TrainingError):
    """An exported graph does not have the shape an edit expects."""

    code = "ONNX_GRAPH_EDIT"


class EquivalenceCheckError(TrainingError):
    """ONNX Runtime and the Python model disagree beyond tolerance: the artifact is not written."""

    code = "EQUIVALENCE_FAILED"


class ArtifactExistsError(TrainingError):
    """The version directory already exists; versions are immutable."""

    code = "ARTIFACT_EXISTS"


class Fp16SourceError(TrainingError):
    """The float16 step got a model or test CSV it cannot check: not a tensor model, not its holdout."""

    code = "FP16_SOURCE"
