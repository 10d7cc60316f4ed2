import unittest

import lightgbm as lgb
import numpy as np

from models.training import gbdt
from models.training.equivalence import run_onnx


class GbdtExportTest(unittest.TestCase):
    def test_thresholds_that_round_up_in_float32_do_not_flip_decisions(self):
        # Adjacent float32 values: LightGBM's double split midpoint between b and c rounds (to even)
        # up to c in float32, so without the floor rounding ONNX sends x == c left and LightGBM right.
        f = np.float32
        a = np.nextafter(f(1), f(2))
        b = np.nextafter(a, f(2))
        c = np.nextafter(b, f(2))
        values = np.array([a, b, c, np.nextafter(c, f(2))], dtype=np.float32)
        rng = np.random.default_rng(0)
        x = np.concatenate([rng.choice(values, size=(400, 1)), rng.normal(size=(400, 1))], axis=1).astype(np.float32)
        y = (x[:, 0] > a).astype(int) + (x[:, 0] > b).astype(int)
        model = lgb.LGBMClassifier(n_estimators=5, num_threads=1, deterministic=True, verbose=-1, min_child_samples=2).fit(x, y)
        onx = gbdt.export_gbdt(model, 2)
        reference = gbdt.predict_gbdt(model, x)
        actual = run_onnx(onx, x, "probabilities")
        self.assertLess(np.abs(actual - reference).max(), 1e-6)
        self.assertTrue((actual.argmax(axis=1) == reference.argmax(axis=1)).all())


if __name__ == "__main__":
    unittest.main()
