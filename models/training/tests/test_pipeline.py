import os
import unittest
from unittest import mock

from models.training import pipeline
from models.training.errors import EquivalenceCheckError
from models.training.tests.synthetic_case import SyntheticPipelineCase


class PipelineTest(SyntheticPipelineCase):
    def test_an_onnx_mismatch_fails_the_run_and_writes_nothing(self):
        real = pipeline.run_onnx

        def drifting(model, x, output):
            return real(model, x, output) + 1e-3  # beyond the 1e-4 tolerance

        with mock.patch.object(pipeline, "run_onnx", drifting):
            with self.assertRaises(EquivalenceCheckError):
                pipeline.train(self.args)
        self.assertFalse(os.path.exists(self.args.out))


if __name__ == "__main__":
    unittest.main()
