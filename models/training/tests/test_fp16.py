import json
import os
import shutil
import unittest
from unittest import mock

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.training import fp16, pipeline
from models.training.autoencoder import export_autoencoder, train_autoencoder
from models.training.equivalence import run_onnx
from models.training.tests.synthetic_case import SyntheticPipelineCase

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RNG = np.random.default_rng(0)
# Heavy-tailed like byte counts and rates: float16 tops out at 65504.
X = np.concatenate([RNG.lognormal(3, 3, size=(64, 3)), -RNG.lognormal(0, 1, size=(64, 1))], axis=1).astype(np.float32)


def dense_model(weight: float, cast_inside: bool = False) -> onnx.ModelProto:
    """input[N, 2] -> MatMul (-> Cast to float) -> Relu -> score[N]: raw inputs straight into float16."""
    nodes = [helper.make_node("MatMul", ["input", "w"], ["h"], name="mm")]
    if cast_inside:
        nodes.append(helper.make_node("Cast", ["h"], ["h32"], to=TensorProto.FLOAT, name="own_cast"))
    nodes += [helper.make_node("Relu", ["h32" if cast_inside else "h"], ["r"], name="relu"),
              helper.make_node("ReduceSum", ["r"], ["score"], axes=[1], keepdims=0, name="sum")]
    graph = helper.make_graph(nodes, "dense", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info("score", TensorProto.FLOAT, [None])],
                              [numpy_helper.from_array(np.full((2, 3), weight, dtype=np.float32), "w")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], ir_version=8)  # ORT 1.30 reads IR <= 13


class Fp16RegionTest(unittest.TestCase):
    def setUp(self):
        self.model, _, self.reconstruction = export_autoencoder(train_autoencoder(X, seed=1), 4)

    def test_log1p_scaling_and_the_converters_cast_stay_float32(self):
        start, ends = fp16.onnx_graph.fp16_region(self.model)
        self.assertEqual(ends, [self.reconstruction])  # the reconstruction error reads fp32 features again: stays fp32
        half = fp16.convert(self.model)
        before_start = []
        for node in half.graph.node:
            if node.name == "fp16_in":
                break
            before_start.append(node)
        self.assertEqual([n.op_type for n in before_start][:5], ["Abs", "Add", "Log", "Sign", "Mul"])
        self.assertIn("Cast", [n.op_type for n in before_start])
        fp16_inits = {i.name for i in half.graph.initializer if i.data_type == TensorProto.FLOAT16}
        self.assertFalse([n.name for n in before_start if fp16_inits & set(n.input)])
        self.assertTrue(all(a.i == TensorProto.FLOAT for n in before_start if n.op_type == "Cast" for a in n.attribute))
        self.assertEqual([n.op_type for n in half.graph.node if n.output[0] == "score"], ["ReduceMean"])
        self.assertEqual(half.graph.input[0].type.tensor_type.elem_type, TensorProto.FLOAT)
        self.assertEqual(half.graph.output[0].type.tensor_type.elem_type, TensorProto.FLOAT)
        self.assertTrue(fp16_inits)  # the dense layers' weights are float16
        self.assertEqual(start + "_fp16", next(n for n in half.graph.node if n.name == "fp16_in").output[0])

    def test_conversion_is_byte_reproducible_and_names_its_source(self):
        first, second = fp16.convert(self.model), fp16.convert(self.model)
        self.assertEqual(first.SerializeToString(), second.SerializeToString())
        self.assertIn("fp16_of_sha256", {p.key for p in first.metadata_props})

    def test_a_cast_to_float_inside_the_region_keeps_its_target(self):
        half = fp16.convert(dense_model(0.5, cast_inside=True))
        own = next(n for n in half.graph.node if n.name == "own_cast")
        self.assertEqual(own.attribute[0].i, TensorProto.FLOAT)
        self.assertIn("fp16_recast_h32", [n.name for n in half.graph.node])
        x = np.asarray([[1.0, 2.0], [3.0, -4.0]], dtype=np.float32)
        for run in (run_onnx, fp16.run_reference):
            np.testing.assert_allclose(run(half, x, "score"), [4.5, 0.0], atol=1e-3)


class Fp16CheckTest(unittest.TestCase):
    def test_an_overflowing_model_is_not_fp16_ok(self):
        model = dense_model(1.0)
        x = np.asarray([[40000.0, 40000.0], [1.0, 2.0]], dtype=np.float32)  # 80000 > 65504: inf in float16
        verdict = fp16.check(model, fp16.convert(model), x, "anomaly", "score", None, {"anomaly": 10.0})
        self.assertFalse(verdict["ok"])
        self.assertEqual(fp16.summary(verdict)["file"], None)
        json.dumps(fp16.with_verdict({"fp16_ok": True, "metrics": {}}, verdict), allow_nan=False)  # serving's JSON.parse reads it

    def test_a_model_in_range_is_fp16_ok(self):
        model = dense_model(0.25)
        x = RNG.normal(size=(256, 2)).astype(np.float32)
        verdict = fp16.check(model, fp16.convert(model), x, "anomaly", "score", None, {"anomaly": 0.5})
        self.assertTrue(verdict["ok"], verdict["reason"])
        self.assertLessEqual(verdict["max_diff"], fp16.FP16_TOLERANCE)
        self.assertEqual(set(verdict["by_evaluator"]), set(fp16.EVALUATORS))

    def test_decision_flips_are_counted_against_the_threshold(self):
        classes = ["benign", "dos", "scan"]
        cases = [
            # (role, fp32, fp16, thresholds, flips, flips away from the threshold)
            ("anomaly", [1.0, 5.0], [1.0, 5.0], {"anomaly": 2.0}, 0, 0),
            ("anomaly", [1.999, 5.0], [2.001, 5.0], {"anomaly": 2.0}, 1, 0),  # within 1e-2 * 2 of the threshold
            ("anomaly", [1.5, 5.0], [2.5, 5.0], {"anomaly": 2.0}, 1, 1),
            ("classifier", [[0.2, 0.5, 0.3]], [[0.2, 0.5, 0.3]], {"alert": 0.5}, 0, 0),
            ("classifier", [[0.505, 0.495, 0.0]], [[0.495, 0.505, 0.0]], {"alert": 0.5}, 1, 0),  # alert at the edge
            ("classifier", [[0.0, 0.6, 0.4]], [[0.0, 0.4, 0.6]], {"alert": 0.5}, 1, 1),  # the served class changes
            ("classifier", [[0.0, 0.502, 0.498]], [[0.0, 0.498, 0.502]], {"alert": 0.3}, 1, 0),  # runner-up within tolerance
        ]
        for role, a, b, thresholds, flips, outside in cases:
            with self.subTest(role=role, fp32=a, fp16=b):
                result = fp16.compare(np.asarray(a), np.asarray(b), role, classes, thresholds)
                self.assertEqual((result["decision_flips"], result["flips_outside_band"]), (flips, outside))

    def test_flip_allowance_is_the_rate_rounded_up(self):
        self.assertEqual([fp16.allowed_flips(n) for n in (78, 1000, 1001, 7294)], [1, 1, 2, 8])

    def test_metadata_gets_the_verdict_beside_fp16_ok(self):
        verdict = {"ok": False, "rows": 3, "max_diff": 0.5, "reason": "r"}
        out = fp16.with_verdict({"name": "m", "fp16_ok": True, "fp16": {"old": 1}, "metrics": {"a": 1}}, verdict)
        self.assertEqual(list(out), ["name", "fp16_ok", "fp16", "metrics"])
        self.assertEqual((out["fp16_ok"], out["fp16"], out["metrics"]), (False, {"file": None, "rows": 3, "max_diff": 0.5}, {"a": 1, "fp16_max_diff": 0.5}))


class CommittedFp16Test(unittest.TestCase):
    """models/<name>/2.0.0/model.fp16.onnx: what the step writes from the committed float32 model."""

    def test_committed_siblings_are_the_conversion_of_model_onnx_and_within_tolerance(self):
        for name in ("flow-mlp", "flow-ae"):
            with self.subTest(name=name):
                directory = os.path.join(ROOT, "models", name, "2.0.0")
                with open(os.path.join(directory, "metadata.json"), encoding="utf-8") as handle:
                    metadata = json.load(handle)
                with open(os.path.join(directory, "golden.json"), encoding="utf-8") as handle:
                    golden = json.load(handle)
                fp32 = onnx.load(os.path.join(directory, "model.onnx"))
                with open(os.path.join(directory, fp16.FP16_FILE), "rb") as handle:
                    committed = handle.read()
                self.assertEqual(fp16.convert(fp32).SerializeToString(), committed)
                self.assertTrue(metadata["fp16_ok"])
                self.assertEqual(metadata["fp16"]["file"], fp16.FP16_FILE)
                self.assertLessEqual(metadata["fp16"]["max_diff"], fp16.FP16_TOLERANCE)
                self.assertEqual(metadata["fp16"]["flips_outside_band"], 0)
                x = np.asarray(golden["rows"], dtype=np.float32)
                output = next(iter(metadata["outputs"].values()))
                verdict = fp16.check(fp32, onnx.load_from_string(committed), x, metadata["role"], output, metadata.get("classes"), metadata["thresholds"])
                self.assertTrue(verdict["ok"], verdict["reason"])
                self.assertEqual(verdict["decision_flips"], 0)


class PipelineFp16Test(SyntheticPipelineCase):
    def _metadata(self, name):
        with open(os.path.join(self.args.out, name, "1.0.0", "metadata.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def test_out_of_tolerance_float16_writes_no_sibling_and_fp16_ok_false(self):
        real = fp16.run_reference

        def drifting(model, x, output):
            return real(model, x, output) * 1.5 + 0.1  # far beyond the 1e-2 tolerance

        with mock.patch.object(fp16, "run_reference", drifting):
            pipeline.train(self.args)
        for name in ("flow-mlp", "flow-ae"):
            metadata = self._metadata(name)
            self.assertEqual((name, metadata["fp16_ok"], metadata["fp16"]["file"]), (name, False, None))
            self.assertGreater(metadata["fp16"]["max_diff"], fp16.FP16_TOLERANCE)
            self.assertFalse(os.path.exists(os.path.join(self.args.out, name, "1.0.0", fp16.FP16_FILE)))

    def test_in_tolerance_float16_writes_the_sibling(self):
        pipeline.train(self.args)
        for name in ("flow-mlp", "flow-ae"):
            metadata = self._metadata(name)
            self.assertEqual((name, metadata["fp16_ok"]), (name, True))
            self.assertTrue(os.path.exists(os.path.join(self.args.out, name, "1.0.0", fp16.FP16_FILE)))
        self.assertFalse(self._metadata("flow-gbdt")["fp16_ok"])
        self.assertNotIn("fp16", self._metadata("flow-gbdt"))
        self.assertFalse(os.path.exists(os.path.join(self.args.out, "flow-gbdt", "1.0.0", fp16.FP16_FILE)))

    def test_the_step_on_a_written_version_reproduces_what_the_pipeline_wrote(self):
        self.args.holdout = os.path.join(self.dir, "holdout.csv")
        pipeline.train(self.args)
        written = os.path.join(self.args.out, "flow-ae", "1.0.0")
        copy = os.path.join(self.dir, "copy")
        shutil.copytree(written, copy)
        os.remove(os.path.join(copy, fp16.FP16_FILE))
        result = fp16.run(copy, self.args.holdout)
        self.assertTrue(result["fp16_ok"])
        for file in (fp16.FP16_FILE, "metadata.json", "model.onnx", "report/metrics.json", "report/report.md"):
            with open(os.path.join(written, file), "rb") as a, open(os.path.join(copy, file), "rb") as b:
                self.assertEqual((file, a.read()), (file, b.read()))
        with self.assertRaises(fp16.Fp16SourceError) as raised:
            fp16.run(copy, self.args.train)  # not the model's holdout
        self.assertEqual(raised.exception.code, "FP16_SOURCE")


if __name__ == "__main__":
    unittest.main()
