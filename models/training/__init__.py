"""Reproducible training pipeline: dataset CSV -> ONNX models in the model artifact contract."""
