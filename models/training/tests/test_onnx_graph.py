import unittest
import warnings

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from models.training import onnx_graph
from models.training.autoencoder import export_autoencoder, score_autoencoder, train_autoencoder
from models.training.equivalence import run_onnx
from models.training.transforms import signed_log1p

RNG = np.random.default_rng(0)
X = np.concatenate([RNG.lognormal(3, 3, size=(64, 3)), -RNG.lognormal(0, 1, size=(64, 1))], axis=1).astype(np.float32)


def scaler_graph():
    scaler = StandardScaler().fit(X)
    return scaler, convert_sklearn(scaler, initial_types=[("input", FloatTensorType([None, 4]))], target_opset={"": 17, "ai.onnx.ml": 3})


class OnnxGraphTest(unittest.TestCase):
    def test_scaler_becomes_tensor_ops_with_the_same_output(self):
        scaler, model = scaler_graph()
        self.assertEqual(onnx_graph.tensor_only_violations(model), ["ai.onnx.ml:Scaler"])
        onnx_graph.replace_ml_scalers(model)
        output = onnx_graph.expose_output(model, model.graph.output[0].name, "z", [None, 4])
        onnx_graph.prune_to_outputs(model, [output])
        self.assertEqual(onnx_graph.tensor_only_violations(model), [])
        self.assertNotIn("ai.onnx.ml", [o.domain for o in model.opset_import])
        np.testing.assert_allclose(run_onnx(model, X, "z"), scaler.transform(X), rtol=1e-5, atol=1e-5)

    def test_signed_log1p_in_front_matches_numpy(self):
        scaler = StandardScaler().fit(signed_log1p(X.astype(np.float64)))
        model = convert_sklearn(scaler, initial_types=[("input", FloatTensorType([None, 4]))], target_opset={"": 17, "ai.onnx.ml": 3})
        onnx_graph.replace_ml_scalers(model)
        onnx_graph.prepend_signed_log1p(model)
        expected = scaler.transform(signed_log1p(X.astype(np.float64)))
        np.testing.assert_allclose(run_onnx(model, X, model.graph.output[0].name), expected, rtol=1e-4, atol=1e-4)

    def test_autoencoder_score_is_computed_in_the_graph(self):
        pipeline = train_autoencoder(X, seed=1)
        model, scaled, reconstruction = export_autoencoder(pipeline, 4)
        self.assertEqual([o.name for o in model.graph.output], ["score"])
        score = run_onnx(model, X, "score")
        self.assertEqual(score.shape, (len(X),))
        np.testing.assert_allclose(score, score_autoencoder(pipeline, X), rtol=1e-4, atol=1e-5)
        half = run_onnx(onnx_graph.to_mixed_fp16(model, scaled, [reconstruction]), X, "score")
        np.testing.assert_allclose(half, score, rtol=2e-2, atol=1e-3)

    def test_mixed_fp16_keeps_the_raw_input_float32(self):
        regressor = Pipeline([("s", StandardScaler()), ("r", MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 5 iterations: only the graph shape matters here
            regressor.fit(X, X[:, 0])
        model = convert_sklearn(regressor, initial_types=[("input", FloatTensorType([None, 4]))], target_opset={"": 17, "ai.onnx.ml": 3})
        (scaled,) = onnx_graph.replace_ml_scalers(model)
        half = onnx_graph.to_mixed_fp16(model, scaled, [model.graph.output[0].name])
        self.assertEqual(half.graph.input[0].type.tensor_type.elem_type, 1)  # FLOAT: 1e12 byte counts overflow fp16
        casts = [n for n in half.graph.node if n.op_type == "Cast" and n.input[0] == scaled]
        self.assertEqual(len(casts), 1)


if __name__ == "__main__":
    unittest.main()
