"""A test case with a small synthetic corpus and the pipeline's arguments for it, in a temp dir."""

import argparse
import os
import shutil
import tempfile
import unittest

from models.training import synthetic


class SyntheticPipelineCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        synthetic.main(["--out", self.dir, "--seed", "3", "--scale", "0.1"])
        self.args = argparse.Namespace(
            train=os.path.join(self.dir, "train.csv"), holdout=None, out=os.path.join(self.dir, "models"), version="1.0.0",
            seed=3, train_fraction=0.75, instance_gap=600.0, nn_max_rows=1000, alert_threshold=0.5, alert_fpr=0.001, anomaly_fpr=0.005, anomaly_margin=1.5,
        )

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
