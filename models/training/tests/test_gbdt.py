import unittest

import lightgbm as lgb
import numpy as np
from sklearn.tree import DecisionTreeClassifier

from models.training import gbdt
from models.training.equivalence import run_onnx


def _adjacent_float32_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Adjacent float32 values a < b < c < d in feature 0: a split midpoint (in double) between two of
    them can round (to even) up to the upper one in float32, so without the floor rounding ONNX
    sends x == upper left and the Python model right. Classes: 0 (benign) for a, 1 for b, 2 for c, d.
    Near 4 a float32 step (4.8e-7) exceeds sklearn's minimum split gap (1e-7), so the tree splits there."""
    f = np.float32
    a = f(4)
    b = np.nextafter(a, f(8))
    c = np.nextafter(b, f(8))
    values = np.array([a, b, c, np.nextafter(c, f(8))], dtype=np.float32)
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.choice(values, size=(400, 1)), rng.normal(size=(400, 1))], axis=1).astype(np.float32)
    y = (x[:, 0] > a).astype(int) + (x[:, 0] > b).astype(int)
    return x, y


class GbdtExportTest(unittest.TestCase):
    def setUp(self):
        self.x, self.y = _adjacent_float32_data()
        self.model = gbdt.train_gbdt(self.x, self.y, self.x, self.y, 3, seed=1)
        self.onnx = gbdt.export_gbdt(self.model, 2)

    def test_thresholds_that_round_up_in_float32_do_not_flip_decisions(self):
        reference = gbdt.predict_gbdt(self.model, self.x)
        actual = run_onnx(self.onnx, self.x, "probabilities")
        self.assertLess(np.abs(actual - reference).max(), 1e-6)
        self.assertTrue((actual.argmax(axis=1) == reference.argmax(axis=1)).all())
        # the labeller tells the two attack classes apart exactly, in ONNX as in Python
        attack = self.y > 0
        self.assertTrue((actual[attack, 1:].argmax(axis=1) + 1 == self.y[attack]).all())

    def test_labeller_thresholds_are_float32_floors(self):
        # the hazard is there: sklearn's own split between b and c rounds up in float32
        attack = self.y > 0
        plain = DecisionTreeClassifier(**gbdt.LABELLER_PARAMS, random_state=1).fit(self.x[attack], self.y[attack]).tree_
        self.assertEqual(plain.feature[0], 0)
        self.assertGreater(float(np.float32(plain.threshold[0])), plain.threshold[0])
        tree = self.model.labeller.tree_
        branch = tree.children_left != -1
        self.assertEqual(tree.threshold[0], float(gbdt._float32_floor(plain.threshold[0])))
        for t in tree.threshold[branch]:
            self.assertEqual(float(np.float32(t)), t)

    def test_all_attack_mass_goes_to_one_class_so_the_served_rule_is_one_minus_p_benign(self):
        p = run_onnx(self.onnx, self.x, "probabilities")
        self.assertEqual(p.shape, (len(self.x), 3))
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
        np.testing.assert_allclose(p[:, 1:].max(axis=1), 1.0 - p[:, 0], atol=1e-6)
        self.assertTrue(((p[:, 1:] > 0).sum(axis=1) <= 1).all())

    def test_the_ensemble_is_one_tree_per_round_plus_one(self):
        described = gbdt.describe(self.model)
        self.assertEqual(described["detector"]["trees"], gbdt.DETECTOR_PARAMS["n_estimators"])
        self.assertEqual(self.model.n_trees, gbdt.DETECTOR_PARAMS["n_estimators"] + 1)
        ops = sorted(n.op_type for n in self.onnx.graph.node if n.domain == "ai.onnx.ml")
        self.assertEqual(ops, ["TreeEnsembleClassifier", "TreeEnsembleRegressor"])


if __name__ == "__main__":
    unittest.main()
