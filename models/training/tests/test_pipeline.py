import argparse
import os
import shutil
import tempfile
import unittest
from unittest import mock

from models.training import pipeline, synthetic
from models.training.errors import EquivalenceCheckError


class PipelineTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        synthetic.main(["--out", self.dir, "--seed", "3", "--scale", "0.1"])
        self.args = argparse.Namespace(
            train=os.path.join(self.dir, "train.csv"), holdout=None, out=os.path.join(self.dir, "models"), version="1.0.0",
            seed=3, train_fraction=0.75, instance_gap=600.0, nn_max_rows=1000, alert_threshold=0.5, alert_fpr=0.001, anomaly_fpr=0.005, anomaly_margin=1.5,
        )

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

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
