#!/usr/bin/env python3
"""Checks mote's ONNX export with Debian's python3-onnx and NumPy.

Runs onnx_export_fixtures (its path is argument 1) into a temporary folder,
then for every NAME.onnx / NAME.json pair it wrote:
  - onnx.checker.check_model (full check: strict shape inference), opset 13;
  - every graph input / output has mote's shape with the batch in front
    (NCHW for images), and shape inference gives the same;
  - every parameter and batchnorm statistic of the model is an initializer of
    the same name holding exactly the checkpoint's floats, in ONNX's layout
    (the layout change is redone here with NumPy transposes);
  - a forward pass of the ONNX graph, computed here in float64 by a small
    reference interpreter written from the ONNX operator specifications,
    agrees with the training library's outputs within 1e-5.
Exit 77 (a skipped meson test) when onnx or numpy cannot be imported.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper, shape_inference
except ImportError as e:  # python3-onnx / python3-numpy missing
    print(f"onnx_export_check: skipped, {e} (Debian: python3-onnx)")
    sys.exit(77)

TOLERANCE = 1e-5


# ---- a reference interpreter of the ONNX ops mote writes (float64) ---------------------
def window_pads(node, x_hw, kernel, strides):
    """[top, left, bottom, right] from auto_pad / pads (ONNX Conv, MaxPool, AveragePool)."""
    auto_pad = node.get("auto_pad", b"NOTSET")
    if auto_pad in (b"SAME_UPPER", b"SAME_LOWER"):
        pads_before, pads_after = [], []
        for size, k, s in zip(x_hw, kernel, strides):
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            small = total // 2
            pads_before.append(small if auto_pad == b"SAME_UPPER" else total - small)
            pads_after.append(total - pads_before[-1])
        return pads_before + pads_after
    return list(node.get("pads", [0, 0, 0, 0]))


def windows(x, node, kernel, fill):
    """x [N, C, H, W] -> padded windows [N, C, OH, OW, kh, kw] and a validity mask."""
    strides = list(node.get("strides", [1, 1]))
    top, left, bottom, right = window_pads(node, x.shape[2:], kernel, strides)
    padded = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)
    valid = np.pad(np.ones(x.shape[2:]), ((top, bottom), (left, right)))
    kh, kw = kernel
    oh = (padded.shape[2] - kh) // strides[0] + 1
    ow = (padded.shape[3] - kw) // strides[1] + 1
    win = np.empty(x.shape[:2] + (oh, ow, kh, kw))
    mask = np.empty((oh, ow, kh, kw))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * strides[0], j * strides[1]
            win[:, :, i, j] = padded[:, :, y0:y0 + kh, x0:x0 + kw]
            mask[i, j] = valid[y0:y0 + kh, x0:x0 + kw]
    return win, mask


def conv(node, x, w, b=None):
    group = node.get("group", 1)
    win, _ = windows(x, node, w.shape[2:], 0.0)
    n, c, oh, ow = win.shape[:4]
    per_group_in, per_group_out = c // group, w.shape[0] // group
    out = np.empty((n, w.shape[0], oh, ow))
    for g in range(group):
        xs = win[:, g * per_group_in:(g + 1) * per_group_in]
        ws = w[g * per_group_out:(g + 1) * per_group_out]
        out[:, g * per_group_out:(g + 1) * per_group_out] = np.einsum("ncyxij,fcij->nfyx", xs, ws)
    if b is not None:
        out += b[None, :, None, None]
    return out


def pool(node, x, average):
    kernel = list(node["kernel_shape"])
    win, mask = windows(x, node, kernel, 0.0 if average else -np.inf)
    if average:
        if node.get("count_include_pad", 0):
            return win.mean(axis=(4, 5))
        return win.sum(axis=(4, 5)) / mask.sum(axis=(2, 3))
    return win.max(axis=(4, 5))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def recurrent(op, node, x, w, r, b=None):
    """ONNX RNN / LSTM / GRU, forward direction, layout 0, default activations."""
    hidden = node["hidden_size"]
    steps, batch = x.shape[:2]
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[op]
    w, r = w[0], r[0]
    wb, rb = (b[0][:gates * hidden], b[0][gates * hidden:]) if b is not None else (np.zeros(gates * hidden),) * 2
    h = np.zeros((batch, hidden))
    c = np.zeros((batch, hidden))
    ys = []
    split = lambda a: [a[..., k * hidden:(k + 1) * hidden] for k in range(gates)]
    for t in range(steps):
        xw = x[t] @ w.T + wb
        if op == "RNN":
            h = np.tanh(xw + h @ r.T + rb)
        elif op == "LSTM":
            i, o, f, cc = split(xw + h @ r.T + rb)  # ONNX gate order i, o, f, c
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
            h = sigmoid(o) * np.tanh(c)
        else:
            xz, xr, xh = split(xw)  # ONNX gate order z, r, h
            brz, brr, brh = split(rb)
            z = sigmoid(xz + h @ split_rows(r, hidden, 0).T + brz)
            rg = sigmoid(xr + h @ split_rows(r, hidden, 1).T + brr)
            assert node.get("linear_before_reset", 0) == 0
            hh = np.tanh(xh + (rg * h) @ split_rows(r, hidden, 2).T + brh)
            h = (1 - z) * hh + z * h
        ys.append(h)
    return np.stack(ys)[:, None], h[None]


def split_rows(m, hidden, k):
    return m[k * hidden:(k + 1) * hidden]


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run_graph(model, feeds):
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) if t.data_type == onnx.TensorProto.FLOAT
              else numpy_helper.to_array(t) for t in model.graph.initializer}
    values.update(feeds)
    for n in model.graph.node:
        a = attributes(n)
        x = [values[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Conv":
            out = [conv(a, *x)]
        elif op == "Gemm":
            assert a.get("transB") == 1 and not a.get("transA")
            out = [x[0] @ x[1].T + (x[2] if len(x) > 2 else 0.0)]
        elif op == "BatchNormalization":
            shape = (1, -1) + (1,) * (x[0].ndim - 2)
            scale, bias, mean, var = (v.reshape(shape) for v in x[1:])
            out = [(x[0] - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale + bias]
        elif op == "Relu":
            out = [np.maximum(x[0], 0)]
        elif op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else -np.inf
            hi = x[2] if len(x) > 2 and x[2] is not None else np.inf
            out = [np.clip(x[0], lo, hi)]
        elif op == "LeakyRelu":
            out = [np.where(x[0] > 0, x[0], a.get("alpha", 0.01) * x[0])]
        elif op == "Sigmoid":
            out = [sigmoid(x[0])]
        elif op == "Tanh":
            out = [np.tanh(x[0])]
        elif op == "Softmax":
            e = np.exp(x[0] - x[0].max(axis=a.get("axis", -1), keepdims=True))
            out = [e / e.sum(axis=a.get("axis", -1), keepdims=True)]
        elif op == "Add":
            out = [x[0] + x[1]]
        elif op in ("MaxPool", "AveragePool"):
            out = [pool(a, x[0], op == "AveragePool")]
        elif op == "GlobalAveragePool":
            out = [x[0].mean(axis=(2, 3), keepdims=True)]
        elif op == "Flatten":
            axis = a.get("axis", 1)
            out = [x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)]
        elif op == "Transpose":
            out = [x[0].transpose(a["perm"])]
        elif op == "Squeeze":
            out = [np.squeeze(x[0], axis=tuple(int(v) for v in x[1]))]
        elif op == "Identity":
            out = [x[0]]
        elif op in ("RNN", "LSTM", "GRU"):
            out = recurrent(op, a, *x)
        else:
            raise AssertionError(f"{n.name}: op {op} not known to the reference interpreter")
        for name, v in zip(n.output, out):
            values[name] = v
    return [values[o.name] for o in model.graph.output]


# ---- mote's layouts -> ONNX's, redone here --------------------------------------------
def graph_dims(shape):
    """mote's per-example shape -> the graph's (NCHW for [H, W, C])."""
    return [shape[2], shape[0], shape[1]] if len(shape) == 3 else list(shape)


def to_graph_layout(values, shape, batch):
    a = np.asarray(values, dtype=np.float32).reshape([batch] + list(shape))
    return a.transpose(0, 3, 1, 2) if len(shape) == 3 else a


def expected_initializer(name, mote, model, shapes):
    """The ONNX initializer mote's parameter `name` must become."""
    layer, what = name.rsplit("/", 1)
    nodes = [n for n in model.graph.node if n.name == layer or n.name.startswith(layer + "/")]
    op = next(n for n in nodes if n.op_type not in ("Transpose", "Squeeze", "Flatten")).op_type
    if op == "Conv":
        if what == "kernel":
            return mote.transpose(0, 3, 1, 2) if mote.ndim == 4 else mote.transpose(2, 0, 1)[:, None]
        return mote
    if op == "Gemm" and what == "kernel":
        gemm = next(n for n in nodes if n.op_type == "Gemm")
        source = gemm.input[0]
        producer = next((n for n in model.graph.node if source in n.output), None)
        if producer is not None and producer.op_type == "Flatten":
            image = shapes.get(producer.input[0])
            if image is not None and len(image) == 4:  # a flattened NCHW image: (c, h, w) columns
                c, h, w = image[1:]
                return mote.reshape(-1, h, w, c).transpose(0, 3, 1, 2).reshape(mote.shape)
        return mote
    if op in ("RNN", "LSTM", "GRU"):
        gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[op]
        g = mote.reshape((gates, -1) + mote.shape[1:])
        if op == "LSTM":
            g = g[[0, 3, 1, 2]]  # (i, f, g, o) -> (i, o, f, c)
        if op == "GRU":
            g = g * np.array([-1, 1, 1], dtype=np.float32).reshape((3,) + (1,) * (g.ndim - 1))
        g = g.reshape(mote.shape)
        if what == "bias":
            return np.concatenate([g, np.zeros_like(g)])[None]
        return g[None]
    return mote


def check(name, directory):
    model = onnx.load(os.path.join(directory, name + ".onnx"))
    fixture = json.load(open(os.path.join(directory, name + ".json")))
    batch = fixture["batch"]
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == 13, model.opset_import
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    shapes = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[v.name] = [d.dim_value if d.HasField("dim_value") else 1 for d in v.type.tensor_type.shape.dim]
    for infos, arrays in ((model.graph.input, fixture["inputs"]), (model.graph.output, fixture["outputs"])):
        assert len(infos) == len(arrays), (name, len(infos), len(arrays))
        for info, arr in zip(infos, arrays):
            dims = info.type.tensor_type.shape.dim
            assert dims[0].dim_param == "batch", (name, info.name)
            assert [d.dim_value for d in dims[1:]] == graph_dims(arr["shape"]), (name, info.name, dims)
            assert shapes[info.name][1:] == graph_dims(arr["shape"]), (name, info.name, shapes[info.name])
    initializers = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for p in fixture["params"]:
        mote = np.asarray(p["values"], dtype=np.float32).reshape(p["shape"])
        want = expected_initializer(p["name"], mote, model, shapes)
        got = initializers.get(p["name"])
        assert got is not None, f"{name}: no initializer {p['name']}"
        assert got.dtype == np.float32 and got.shape == want.shape, (name, p["name"], got.shape, want.shape)
        assert np.array_equal(got, want), f"{name}: {p['name']} differs from the model's values"
    feeds = {model.graph.input[i].name: to_graph_layout(a["values"], a["shape"], batch).astype(np.float64)
             for i, a in enumerate(fixture["inputs"])}
    outputs = run_graph(model, feeds)
    worst = 0.0
    for got, want in zip(outputs, fixture["outputs"]):
        expected = to_graph_layout(want["values"], want["shape"], batch)
        assert got.shape == expected.shape, (name, want["name"], got.shape, expected.shape)
        worst = max(worst, float(np.abs(got - expected).max()))
    assert worst <= TOLERANCE, f"{name}: ONNX forward differs from mote's by {worst:.3g}"
    ops = sorted({n.op_type for n in model.graph.node})
    print(f"{name}: checker ok, {len(fixture['params'])} tensors exact, max |diff| {worst:.2e}; ops {' '.join(ops)}")
    return set(ops)


def main():
    fixtures = sys.argv[1]
    with tempfile.TemporaryDirectory() as directory:
        run = subprocess.run([fixtures, directory], capture_output=True, text=True)
        if run.returncode == 77:
            print("onnx_export_check: skipped, " + run.stderr.strip())
            return 77
        if run.returncode != 0:
            print(run.stdout + run.stderr)
            return 1
        names = [os.path.basename(line)[:-len(".onnx")] for line in run.stdout.split()]
        ops = set()
        for name in names:
            ops |= check(name, directory)
    expected = {"Conv", "Gemm", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "Add",
                "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Transpose", "Squeeze", "RNN", "LSTM",
                "GRU"}
    assert expected <= ops, f"ops never exported: {expected - ops}"
    return 0


if __name__ == "__main__":
    sys.exit(main())
