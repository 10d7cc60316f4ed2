import json
import os
import tempfile
import unittest

import numpy as np

from models.training.dataset import load_dataset
from models.training.equivalence import check_probabilities, check_scores
from models.training.errors import DatasetSchemaError, DatasetValueError, EquivalenceCheckError

HEADER = "flow_uid,ts,scenario,label,family,a,b"


def write(directory, lines, names=("a", "b"), rows=None):
    path = os.path.join(directory, "d.csv")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    with open(path + ".json", "w") as handle:
        json.dump({"feature_schema": "cic+kdd/1", "feature_names": list(names), "rows": rows if rows is not None else len(lines) - 1, "inputs": []}, handle)
    return path


class DatasetTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def test_valid_dataset_loads_with_its_hash(self):
        d = load_dataset(write(self.dir, [HEADER, "u1,1.5,benign-web,benign,benign,1,2", "u2,2.5,flood,syn-flood,dos,3,1e12"]))
        self.assertEqual(d.rows, 2)
        self.assertEqual(d.features[1].tolist(), [3.0, 1e12])
        self.assertEqual(len(d.sha256), 64)
        self.assertEqual(d.manifest("train")["rows"], 2)

    def test_rejections_name_the_problem(self):
        cases = [
            ([HEADER.replace(",b", ",c"), "u1,1,s,benign,benign,1,2"], DatasetSchemaError, "column 6"),
            ([HEADER, "u1,1,s,benign,benign,1,inf"], DatasetValueError, "feature 'b'"),
            ([HEADER, "u1,1,s,benign,benign,1,"], DatasetValueError, "feature 'b'"),
            ([HEADER, "u1,1,s,benign,malware,1,2"], DatasetValueError, "family 'malware'"),
            ([HEADER, "u1,1,s,syn-flood,benign,1,2"], DatasetValueError, "disagree"),
        ]
        for lines, error, text in cases:
            with self.subTest(text=text):
                with self.assertRaisesRegex(error, text):
                    load_dataset(write(self.dir, lines))

    def test_sidecar_row_count_must_match(self):
        with self.assertRaisesRegex(DatasetSchemaError, "sidecar says 5 rows"):
            load_dataset(write(self.dir, [HEADER, "u1,1,s,benign,benign,1,2"], rows=5))


class EquivalenceTest(unittest.TestCase):
    def test_probabilities_beyond_tolerance_fail(self):
        reference = np.array([[0.7, 0.3], [0.2, 0.8]])
        self.assertTrue(check_probabilities("m", reference, reference + 5e-5)["passed"])
        with self.assertRaises(EquivalenceCheckError) as caught:
            check_probabilities("m", reference, reference + np.array([[2e-4, -2e-4], [0, 0]]))
        self.assertEqual(caught.exception.code, "EQUIVALENCE_FAILED")

    def test_scores_use_a_relative_tolerance_for_large_values(self):
        reference = np.array([0.1, 1e4])
        self.assertTrue(check_scores("ae", reference, reference * (1 + 5e-5), threshold=1.0)["passed"])
        with self.assertRaises(EquivalenceCheckError):
            check_scores("ae", reference, np.array([0.1, 1e4 * (1 + 1e-3)]), threshold=1.0)


if __name__ == "__main__":
    unittest.main()
