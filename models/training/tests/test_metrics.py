import unittest

import numpy as np
import pandas as pd

from models.training.metrics import anomaly_metrics, classifier_metrics

CLASSES = ["benign", "syn-flood", "port-scan"]


def frame(rows):
    return pd.DataFrame(rows, columns=["flow_uid", "ts", "scenario", "label", "family"])


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.frame = frame([
            ("a", 1, "web", "benign", "benign"), ("b", 2, "web", "benign", "benign"),
            ("c", 3, "flood-1", "syn-flood", "dos"), ("d", 4, "flood-1", "syn-flood", "dos"),
            ("e", 5, "scan-1", "port-scan", "scan"),
            ("f", 6, "brute-1", "ssh-bruteforce", "bruteforce"),  # a label the model never saw
        ])
        self.probabilities = np.array([
            [0.9, 0.05, 0.05],  # benign, right
            [0.3, 0.6, 0.1],    # benign called syn-flood: a false positive
            [0.2, 0.7, 0.1],    # flood detected
            [0.8, 0.1, 0.1],    # flood missed: the instance still counts as detected
            [0.6, 0.0, 0.4],    # scan missed (0.4 < alert): instance missed
            [0.1, 0.1, 0.8],    # unseen label, called an attack
        ])

    def test_per_flow_and_per_instance_detection(self):
        m = classifier_metrics(self.frame, self.probabilities, CLASSES, alert=0.5)
        self.assertEqual(m["benign_false_positive_rate"], 0.5)
        self.assertEqual(m["flow_detection_rate"], 2 / 4)
        self.assertEqual(m["instance_detection_rate"], 2 / 3)
        self.assertEqual({i["scenario"]: i["detected"] for i in m["instances"]}, {"brute-1": True, "flood-1": True, "scan-1": False})

    def test_per_class_metrics_and_unseen_labels(self):
        m = classifier_metrics(self.frame, self.probabilities, CLASSES, alert=0.5)
        self.assertEqual(m["per_class"]["syn-flood"]["recall"], 0.5)
        self.assertEqual(m["per_class"]["syn-flood"]["precision"], 0.5)
        self.assertEqual(m["unseen_labels"], ["ssh-bruteforce"])
        self.assertEqual(m["confusion"]["rows"], CLASSES + ["ssh-bruteforce"])
        self.assertEqual(m["confusion"]["counts"][3], [0, 0, 1])

    def test_labels_are_the_served_ones_not_the_argmax(self):
        split = frame([("g", 7, "flood-2", "syn-flood", "dos"), ("h", 8, "flood-2", "syn-flood", "dos")])
        # an attack class leads (argmax) below alert: served, and counted, as benign
        p = np.array([[0.3, 0.45, 0.25], [0.1, 0.55, 0.35]])
        m = classifier_metrics(split, p, CLASSES, alert=0.5)
        self.assertEqual(m["confusion"]["counts"][1], [1, 1, 0])
        self.assertEqual(m["per_class"]["syn-flood"]["recall"], 0.5)

    def test_anomaly_threshold_is_strict(self):
        m = anomaly_metrics(self.frame, np.array([0.1, 1.0, 5.0, 1.0, 0.2, 3.0]), threshold=1.0)
        self.assertEqual(m["benign_false_positive_rate"], 0.0)
        self.assertEqual(m["flow_detection_rate"], 2 / 4)
        self.assertEqual(m["per_family_flow_detection_rate"], {"bruteforce": 1.0, "dos": 0.5, "scan": 0.0})


if __name__ == "__main__":
    unittest.main()
