import unittest

import numpy as np

from models.training.thresholds import alert_threshold, anomaly_threshold


class AlertThresholdTest(unittest.TestCase):
    CASES = [
        # name, benign scores, floor, target fpr, expected alerting benign flows
        ("floor already clean", [0.1, 0.2, 0.3], 0.5, 0.0, 0),
        ("raised above the top benign score", [0.1, 0.2, 0.9], 0.5, 0.0, 0),
        ("one of ten allowed", [0.1] * 8 + [0.8, 0.95], 0.5, 0.1, 1),
        ("ties never straddle", [0.7, 0.7, 0.7, 0.1], 0.5, 0.3, 0),
    ]

    def test_cases(self):
        for name, scores, floor, fpr, alerting in self.CASES:
            with self.subTest(name):
                t = alert_threshold(np.array(scores), floor, fpr)
                self.assertGreaterEqual(t, floor)
                self.assertEqual(int((np.float32(scores) >= np.float32(t)).sum()), alerting)

    def test_everything_allowed_keeps_the_floor(self):
        self.assertEqual(alert_threshold(np.array([0.9]), 0.5, 1.0), 0.5)


class AnomalyThresholdTest(unittest.TestCase):
    def test_margin_times_the_max(self):
        self.assertAlmostEqual(anomaly_threshold(np.array([1.0, 4.0, 2.0]), 1.5, 0.01), 6.0)

    def test_no_margin_is_the_quantile(self):
        self.assertEqual(anomaly_threshold(np.arange(1, 101, dtype=float), 0, 0.05), 96.0)


if __name__ == "__main__":
    unittest.main()
