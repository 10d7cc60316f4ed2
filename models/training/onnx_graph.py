"""Edits of exported ONNX graphs: output renames, pruning, ML-domain Scaler -> tensor ops,
a signed log1p in front, the reconstruction-error score of the autoencoder, a mixed fp16 variant.

Each edit keeps the graph valid for `onnx.checker`; `tensor_only_violations` names the ops that
would keep a "tensor" model off the CUDA/TensorRT path.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .errors import OnnxGraphEditError

ML_DOMAIN = "ai.onnx.ml"


def _opset(model: onnx.ModelProto, domain: str = "") -> int:
    for entry in model.opset_import:
        if entry.domain == domain or (domain == "" and entry.domain == "ai.onnx"):
            return entry.version
    raise OnnxGraphEditError(f"model imports no opset for domain '{domain}'")


def _fresh(model: onnx.ModelProto, base: str) -> str:
    taken = {i.name for i in model.graph.initializer} | {v.name for v in model.graph.input}
    for node in model.graph.node:
        taken.update(node.input)
        taken.update(node.output)
    name, n = base, 0
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def _add_const(model: onnx.ModelProto, base: str, value: np.ndarray) -> str:
    name = _fresh(model, base)
    model.graph.initializer.append(numpy_helper.from_array(value, name))
    return name


def _float_output(name: str, dims: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def prune_to_outputs(model: onnx.ModelProto, outputs: list[onnx.ValueInfoProto]) -> None:
    """Keeps only `outputs` and the nodes/initializers they need; drops the ML opset when unused."""
    needed = {o.name for o in outputs}
    kept = []
    for node in reversed(model.graph.node):
        if any(out in needed for out in node.output):
            kept.append(node)
            needed.update(i for i in node.input if i)
    kept.reverse()
    del model.graph.node[:]
    model.graph.node.extend(kept)
    initializers = [i for i in model.graph.initializer if i.name in needed]
    del model.graph.initializer[:]
    model.graph.initializer.extend(initializers)
    del model.graph.output[:]
    model.graph.output.extend(outputs)
    del model.graph.value_info[:]
    if not any(n.domain == ML_DOMAIN for n in model.graph.node):
        imports = [o for o in model.opset_import if o.domain != ML_DOMAIN]
        del model.opset_import[:]
        model.opset_import.extend(imports)


def expose_output(model: onnx.ModelProto, source: str, name: str, dims: list) -> onnx.ValueInfoProto:
    """Makes tensor `source` available as graph output `name` (an Identity when the names differ)."""
    if source != name:
        model.graph.node.append(helper.make_node("Identity", [source], [name], name=_fresh(model, f"expose_{name}")))
    return _float_output(name, dims)


def replace_ml_scalers(model: onnx.ModelProto) -> list[str]:
    """ai.onnx.ml Scaler (Y = (X - offset) * scale) -> Sub + Mul; returns the scaled tensors' names."""
    replaced: list[str] = []
    nodes = list(model.graph.node)
    del model.graph.node[:]
    for node in nodes:
        if node.op_type != "Scaler" or node.domain != ML_DOMAIN:
            model.graph.node.append(node)
            continue
        attrs = {a.name: list(helper.get_attribute_value(a)) for a in node.attribute}
        offset = np.asarray(attrs.get("offset", [0.0]), dtype=np.float32)
        scale = np.asarray(attrs.get("scale", [1.0]), dtype=np.float32)
        offset_name = _add_const(model, "scaler_offset", offset)
        scale_name = _add_const(model, "scaler_scale", scale)
        centred = _fresh(model, "scaler_centred")
        model.graph.node.append(helper.make_node("Sub", [node.input[0], offset_name], [centred], name=_fresh(model, "scaler_sub")))
        model.graph.node.append(helper.make_node("Mul", [centred, scale_name], [node.output[0]], name=_fresh(model, "scaler_mul")))
        replaced.append(node.output[0])
    return replaced


def prepend_signed_log1p(model: onnx.ModelProto) -> None:
    """The graph input now takes raw features; sign(x) * log1p(|x|) feeds what the input fed before."""
    if len(model.graph.input) != 1:
        raise OnnxGraphEditError("expected one graph input", [i.name for i in model.graph.input])
    raw = model.graph.input[0].name
    logged = _fresh(model, "signed_log1p")
    for node in model.graph.node:
        for k, name in enumerate(node.input):
            if name == raw:
                node.input[k] = logged
    one = _add_const(model, "one", np.asarray(1.0, dtype=np.float32))
    a, p, lg, s = (_fresh(model, base) for base in ("log_abs", "log_plus1", "log_log", "log_sign"))
    prefix = [
        helper.make_node("Abs", [raw], [a], name=a + "_node"),
        helper.make_node("Add", [a, one], [p], name=p + "_node"),
        helper.make_node("Log", [p], [lg], name=lg + "_node"),
        helper.make_node("Sign", [raw], [s], name=s + "_node"),
        helper.make_node("Mul", [lg, s], [logged], name=logged + "_node"),
    ]
    nodes = prefix + list(model.graph.node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def append_mse_score(model: onnx.ModelProto, reconstruction: str, target: str, name: str = "score") -> onnx.ValueInfoProto:
    """score[N] = mean over features of (reconstruction - target)^2, computed inside the graph."""
    diff, squared = _fresh(model, "recon_diff"), _fresh(model, "recon_sq")
    model.graph.node.append(helper.make_node("Sub", [reconstruction, target], [diff], name=diff + "_node"))
    model.graph.node.append(helper.make_node("Mul", [diff, diff], [squared], name=squared + "_node"))
    if _opset(model) >= 18:
        axes = _add_const(model, "score_axes", np.asarray([1], dtype=np.int64))
        reduce = helper.make_node("ReduceMean", [squared, axes], [name], keepdims=0, name=name + "_node")
    else:
        reduce = helper.make_node("ReduceMean", [squared], [name], axes=[1], keepdims=0, name=name + "_node")
    model.graph.node.append(reduce)
    return _float_output(name, [None])


def tensor_only_violations(model: onnx.ModelProto) -> list[str]:
    """Ops outside the default (tensor) domain, e.g. ai.onnx.ml TreeEnsemble/Scaler."""
    return sorted({f"{n.domain}:{n.op_type}" for n in model.graph.node if n.domain not in ("", "ai.onnx")})


def fp16_region(model: onnx.ModelProto) -> tuple[str, list[str]]:
    """Where float16 may start and must end, read from the graph itself (so a committed model.onnx
    can be converted without the pipeline that built it).

    Start: the data input of the first MatMul/Gemm, i.e. after the signed log1p, the scaling and the
    converter's own Cast: raw byte counts and rates (1e9 and more) overflow float16's 65504, while
    standardized features are O(1). Region: every node that reads only the start, region tensors and
    initializers; a node that also reads an fp32 tensor from before the start (the autoencoder's
    reconstruction error reads the standardized features again) stays float32, and so does all
    after it. Ends: region tensors read outside the region, and region graph outputs."""
    first = next((n for n in model.graph.node if n.op_type in ("MatMul", "Gemm")), None)
    if first is None:
        raise OnnxGraphEditError("no MatMul/Gemm: nothing for float16 to speed up", [n.op_type for n in model.graph.node])
    start = first.input[0]
    inits = {i.name for i in model.graph.initializer}
    inside_tensors = {start}
    region = []
    for node in model.graph.node:
        reads = [i for i in node.input if i and i not in inits]
        if reads and all(i in inside_tensors for i in reads) and any(i in inside_tensors for i in node.input):
            region.append(node)
            inside_tensors.update(node.output)
    produced = {o for n in region for o in n.output}
    ends = []
    for node in model.graph.node:
        if node in region:
            continue
        ends.extend(i for i in node.input if i in produced and i not in ends)
    ends.extend(o.name for o in model.graph.output if o.name in produced and o.name not in ends)
    if not ends:
        raise OnnxGraphEditError("the float16 region feeds nothing", start)
    return start, ends


def to_mixed_fp16(model: onnx.ModelProto, start: str, ends: list[str]) -> onnx.ModelProto:
    """A copy that computes from tensor `start` (kept fp32: raw features overflow fp16) to `ends` in
    float16, casting back to float32 under the same names (inputs and outputs stay float32).

    Names are fixed (`<tensor>_fp16`, `fp16_in`, `fp16_out_<end>`), so the same graph always gives
    the same bytes. A Cast inside the region keeps its float32 target (converting it would change
    what the converter meant): its output is cast back to float16 for the region nodes after it."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    downstream = {start}
    region = []
    for node in graph.node:
        if any(i in downstream for i in node.input):
            region.append(node)
            downstream.update(node.output)
    upstream = set(ends)
    inside = []
    for node in reversed(region):
        if any(o in upstream for o in node.output):
            inside.append(node)
            upstream.update(node.input)
    inside_ids = {id(n) for n in inside}
    if not all(e in downstream for e in ends):
        raise OnnxGraphEditError("an end tensor is not downstream of the start tensor", {"start": start, "ends": ends})
    inits = {i.name: i for i in graph.initializer}
    converted: dict[str, str] = {}
    rename = {start: start + "_fp16"}
    rename.update({e: e + "_fp16" for e in ends})
    recast = []
    kept_fp32: set[str] = set()
    for node in graph.node:
        if id(node) not in inside_ids:
            continue
        for k, name in enumerate(node.input):
            if name in rename:
                node.input[k] = rename[name]
            elif name in inits and inits[name].data_type == TensorProto.FLOAT:
                if name not in converted:
                    half = numpy_helper.from_array(numpy_helper.to_array(inits[name]).astype(np.float16), name + "_fp16")
                    graph.initializer.append(half)
                    converted[name] = half.name
                node.input[k] = converted[name]
        if node.op_type == "Cast" and any(a.name == "to" and a.i == TensorProto.FLOAT for a in node.attribute):
            # The Cast's float32 output is a boundary like `start` (an end it produces is already float32).
            for name in node.output:
                rename[name] = name + "_fp16"
                kept_fp32.add(name)
                recast.append(helper.make_node("Cast", [name], [name + "_fp16"], to=TensorProto.FLOAT16, name=f"fp16_recast_{name}"))
            continue
        for k, name in enumerate(node.output):
            if name in ends:
                node.output[k] = rename[name]
    nodes = list(graph.node)
    position = next(k for k, n in enumerate(nodes) if id(n) in inside_ids)
    nodes.insert(position, helper.make_node("Cast", [start], [start + "_fp16"], to=TensorProto.FLOAT16, name="fp16_in"))
    nodes.extend(recast)
    for e in ends:
        if e not in kept_fp32:
            nodes.append(helper.make_node("Cast", [e + "_fp16"], [e], to=TensorProto.FLOAT, name=f"fp16_out_{e}"))
    del graph.node[:]
    graph.node.extend(_toposort(nodes, {i.name for i in graph.initializer} | {i.name for i in graph.input}))
    del graph.value_info[:]
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return out


def _toposort(nodes: list, available: set[str]) -> list:
    """Stable topological order (the casts added above may sit before their producers)."""
    ready = set(available) | {""}
    pending = list(nodes)
    ordered = []
    while pending:
        for node in pending:
            if all(i in ready for i in node.input):
                ordered.append(node)
                ready.update(node.output)
                pending.remove(node)
                break
        else:
            raise OnnxGraphEditError("graph has a cycle or a missing input", [n.name for n in pending])
    return ordered
