import unittest

import pandas as pd

from models.training.split import split_by_scenario_time


def frame(rows):
    return pd.DataFrame(rows, columns=["flow_uid", "ts", "scenario", "label", "family"])


class SplitTest(unittest.TestCase):
    def test_single_run_scenario_trains_on_its_earliest_flows(self):
        # ts deliberately out of row order: the split must sort by time, not by row
        rows = [(f"u{k}", ts, "s", "benign", "benign") for k, ts in enumerate([7, 1, 3, 5, 2, 8, 4, 6])]
        split = split_by_scenario_time(frame(rows), 0.75, 600)
        train_ts = sorted(rows[k][1] for k in split.train)
        validation_ts = sorted(rows[k][1] for k in split.validation)
        self.assertEqual(train_ts, [1, 2, 3, 4, 5, 6])
        self.assertEqual(validation_ts, [7, 8])

    def test_repeated_runs_are_never_split(self):
        run_ts = [0, 1, 2, 3, 5000, 5001, 10000, 10001, 10002, 20000]  # 4 runs: 4, 2, 3, 1 flows
        rows = [(f"u{k}", ts, "flood", "syn-flood", "dos") for k, ts in enumerate(run_ts)]
        split = split_by_scenario_time(frame(rows), 0.75, 600)
        self.assertEqual(sorted(split.train.tolist()), list(range(9)))  # round(0.75 * 4) = 3 runs train
        self.assertEqual(split.validation.tolist(), [9])
        self.assertEqual(split.scenarios[0]["mode"], "runs")

    def test_two_runs_put_one_in_each_split(self):
        rows = [(f"u{k}", ts, "s", "benign", "benign") for k, ts in enumerate([0, 1, 2, 9000, 9001])]
        split = split_by_scenario_time(frame(rows), 0.75, 600)
        self.assertEqual(split.train.tolist(), [0, 1, 2])
        self.assertEqual(split.validation.tolist(), [3, 4])

    def test_each_scenario_is_split_on_its_own_and_ties_break_on_flow_uid(self):
        rows = [("b", 1, "a", "benign", "benign"), ("a", 1, "a", "benign", "benign"),
                ("c", 1, "x", "scan", "scan"), ("d", 2, "x", "scan", "scan")]
        split = split_by_scenario_time(frame(rows), 0.5, 600)
        self.assertEqual(split.train.tolist(), [1, 2])
        self.assertEqual(split.validation.tolist(), [0, 3])

    def test_single_flow_scenario_only_trains(self):
        rows = [("a", 1, "one", "benign", "benign"), ("b", 1, "two", "benign", "benign"), ("c", 2, "two", "benign", "benign")]
        split = split_by_scenario_time(frame(rows), 0.75, 600)
        self.assertEqual(split.train.tolist(), [0, 1])
        self.assertEqual(split.validation.tolist(), [2])


if __name__ == "__main__":
    unittest.main()
