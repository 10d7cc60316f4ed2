"""Generates the tiny ONNX models the inference tests load, and the outputs the Python models give.

Run from the repository root:  .local/venv/bin/python libs/inference/test-models/generate.py
Deterministic (fixed seeds); the .onnx files it writes are committed so tests need no Python.
Three models, one per kind the registry serves:
  flow-gbdt  LightGBM classifier (ONNX ML TreeEnsemble ops -> CPU only), zipmap disabled
  flow-mlp   scikit-learn StandardScaler + MLPClassifier (MatMul/Add/Relu -> CUDA capable), zipmap disabled
  flow-ae    anomaly model written with onnx.helper: PCA reconstruction error, output `score` [N]
"""
import json
import os
from datetime import datetime, timezone

import lightgbm as lgb
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType as MlFloatTensorType
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, 'models')
SCHEMA = 'test/1'
FEATURES = ['duration', 'orig_pkts', 'resp_pkts', 'orig_bytes', 'resp_bytes', 'syn_ratio']
CLASSES = ['benign', 'syn-flood', 'port-scan']
FAMILIES = {'benign': 'benign', 'syn-flood': 'dos', 'port-scan': 'scan'}
F = len(FEATURES)
TOL = 1e-5


def dataset(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, len(CLASSES), size=n)
    centers = np.array([[1, 10, 10, 800, 900, 0.1], [0.1, 50, 0, 3000, 0, 0.95], [0.01, 1, 1, 60, 40, 0.5]])
    x = centers[y] * (1 + 0.3 * rng.standard_normal((n, F)))
    # float32-representable inputs: the ONNX graph sees exactly what the Python model saw
    return x.astype(np.float32).astype(np.float64), y


def metadata(name, role, operators, outputs, extra):
    meta = {
        'name': name, 'version': '1.0.0', 'role': role, 'file': 'model.onnx', 'operators': operators,
        'fp16_ok': False, 'feature_schema': SCHEMA, 'feature_names': FEATURES, 'input': 'input',
        'outputs': outputs,
        'training': {'data': [{'path': 'synthetic', 'sha256': '0' * 64, 'rows': 600}], 'split': 'none', 'seed': 42,
                     'created': datetime(2026, 11, 21, tzinfo=timezone.utc).isoformat()},
        'metrics': {},
    }
    meta.update(extra)
    return meta


def save(name, model, meta):
    out = os.path.join(MODELS, name, '1.0.0')
    os.makedirs(out, exist_ok=True)
    # converters name the graph with a random uuid: a fixed name keeps reruns byte-identical
    model.graph.name = name.replace('-', '_')
    # and list opset imports in set order: sorted, so reruns give the same bytes
    opsets = sorted(((o.domain, o.version) for o in model.opset_import))
    del model.opset_import[:]
    model.opset_import.extend(helper.make_opsetid(d, v) for d, v in opsets)
    onnx.save(model, os.path.join(out, 'model.onnx'))
    with open(os.path.join(out, 'metadata.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')
    return os.path.join(out, 'model.onnx')


def ort_run(path, output, x):
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return sess.run([output], {'input': x.astype(np.float32)})[0]


def main():
    x_train, y_train = dataset(42, 600)
    x_test, _ = dataset(7, 8)
    expected = {'feature_schema': SCHEMA, 'inputs': x_test.tolist(), 'models': {}}

    gbdt = lgb.LGBMClassifier(n_estimators=8, num_leaves=4, learning_rate=0.3, random_state=42, verbose=-1, n_jobs=1, deterministic=True, force_row_wise=True)
    gbdt.fit(x_train, y_train)
    onx = convert_lightgbm(gbdt, initial_types=[('input', MlFloatTensorType([None, F]))], zipmap=False, target_opset=15)
    path = save('flow-gbdt', onx, metadata('flow-gbdt', 'classifier', 'tree-ensemble', {'probabilities': 'probabilities'},
                                           {'classes': CLASSES, 'families': FAMILIES, 'thresholds': {'alert': 0.5}}))
    want = gbdt.predict_proba(x_test)
    got = ort_run(path, 'probabilities', x_test)
    assert np.allclose(got, want, atol=TOL), (got, want)
    expected['models']['flow-gbdt'] = {'probabilities': want.tolist()}

    mlp = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=400, random_state=42))
    mlp.fit(x_train, y_train)
    onx = convert_sklearn(mlp, initial_types=[('input', FloatTensorType([None, F]))], options={id(mlp.steps[-1][1]): {'zipmap': False}}, target_opset=15)
    names = [o.name for o in onx.graph.output]
    assert 'probabilities' in names, names
    path = save('flow-mlp', onx, metadata('flow-mlp', 'classifier', 'tensor', {'probabilities': 'probabilities'},
                                          {'classes': CLASSES, 'families': FAMILIES, 'thresholds': {'alert': 0.5}}))
    want = mlp.predict_proba(x_test)
    got = ort_run(path, 'probabilities', x_test)
    assert np.allclose(got, want, atol=TOL), (got, want)
    expected['models']['flow-mlp'] = {'probabilities': want.tolist()}

    # PCA reconstruction error of the standardized vector: higher = further from benign traffic
    benign = x_train[y_train == 0].astype(np.float32)
    mean, std = benign.mean(0), benign.std(0) + 1e-6
    z = (benign - mean) / std
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    w = vt[:2].T.astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node('Sub', ['input', 'mean'], ['c']), helper.make_node('Div', ['c', 'std'], ['z']),
         helper.make_node('MatMul', ['z', 'w'], ['code']), helper.make_node('MatMul', ['code', 'wt'], ['recon']),
         helper.make_node('Sub', ['z', 'recon'], ['diff']), helper.make_node('Mul', ['diff', 'diff'], ['sq']),
         helper.make_node('ReduceMean', ['sq'], ['score'], axes=[1], keepdims=0)],
        'flow_ae', [helper.make_tensor_value_info('input', TensorProto.FLOAT, [None, F])],
        [helper.make_tensor_value_info('score', TensorProto.FLOAT, [None])],
        [numpy_helper.from_array(mean.astype(np.float32), 'mean'), numpy_helper.from_array(std.astype(np.float32), 'std'),
         numpy_helper.from_array(w, 'w'), numpy_helper.from_array(np.ascontiguousarray(w.T), 'wt')])
    ae = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='ids-test-models')
    ae.ir_version = 8
    onnx.checker.check_model(ae)
    path = save('flow-ae', ae, metadata('flow-ae', 'anomaly', 'tensor', {'score': 'score'},
                                        {'families': {}, 'thresholds': {'anomaly': 5.0}}))
    xz = (x_test.astype(np.float32) - mean) / std
    want = np.mean((xz - xz @ w @ w.T) ** 2, axis=1)
    got = ort_run(path, 'score', x_test)
    assert np.allclose(got, want, rtol=TOL, atol=TOL), (got, want)
    expected['models']['flow-ae'] = {'score': want.astype(np.float64).tolist()}

    with open(os.path.join(MODELS, 'registry.json'), 'w') as f:
        json.dump({'classifier': 'flow-gbdt', 'anomaly': 'flow-ae', 'shadow': ['flow-mlp']}, f, indent=2)
        f.write('\n')
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    print('wrote', MODELS)


if __name__ == '__main__':
    main()
