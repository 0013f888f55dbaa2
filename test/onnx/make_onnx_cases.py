#!/usr/bin/python3
"""Writes the ONNX import test cases into OUTDIR (test/onnx/onnx_import_test.cc
reads them): small ONNX files built with Debian's python3-onnx, one per
operator / attribute combination the importer takes and one per malformed or
refused file, with reference outputs computed here in NumPy (onnx 1.12 has no
reference evaluator) and, where python3-torch is installed, cross-checked
against PyTorch and joined by models torch.onnx.export writes.

  make_onnx_cases.py OUTDIR

OUTDIR/manifest.txt, one case per line:
  NAME ok                 NAME.onnx, NAME.x.npy (inputs, mote's channels-last
                          layout, batch first), NAME.y.npy (reference outputs,
                          mote's layout)
  NAME error TEXT...      importing NAME.onnx must fail with TEXT in the message
  NAME int8 STEP          a quantized model: its int8 export (the file's
                          parameters) within STEP of NAME.y.npy (qdq_cases.py)
  NAME int8error TEXT...  a quantized model that imports; its int8 export
                          fails with TEXT
  # a comment             (e.g. torch missing: its cases are skipped)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7)
manifest = []
BATCH = 3  # examples per case (the ONNX models are batch 1)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inits, in_shape, out_name="y", opset=13, in_name="x", extra_inputs=()):
    inputs = [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)] + list(extra_inputs)
    graph = helper.make_graph(nodes, "case", inputs,
                              [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, None)],
                              initializer=[tensor(k, v) for k, v in inits.items()])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_onnx_cases")
    m.ir_version = 8
    return m


def save_ok(name, m, x, y):
    """x, y: ONNX layout, batch first (one example per row)."""
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    np.save(os.path.join(OUT, name + ".x.npy"), to_mote(x))
    np.save(os.path.join(OUT, name + ".y.npy"), to_mote(y))
    manifest.append(f"{name} ok")


def save_error(name, m_or_bytes, text):
    path = os.path.join(OUT, name + ".onnx")
    if isinstance(m_or_bytes, bytes):
        open(path, "wb").write(m_or_bytes)
    else:
        open(path, "wb").write(m_or_bytes.SerializeToString())
    manifest.append(f"{name} error {text}")


def to_mote(a):
    a = np.asarray(a, dtype=np.float32)
    if a.ndim == 4:  # NCHW -> NHWC
        a = a.transpose(0, 2, 3, 1)
    return np.ascontiguousarray(a.reshape(a.shape[0], -1))


# ---- NumPy references (float64), one example [C, H, W] or [F] at a time ----
def pad_image(x, pads, value=0.0):
    t, l, b, r = pads
    return np.pad(x, ((0, 0), (t, b), (l, r)), constant_values=value)


def conv(x, w, b, strides=(1, 1), pads=(0, 0, 0, 0), group=1):
    x = pad_image(x.astype(np.float64), pads)
    c, h, wd = x.shape
    o, ipg, kh, kw = w.shape
    oh, ow = (h - kh) // strides[0] + 1, (wd - kw) // strides[1] + 1
    y = np.zeros((o, oh, ow))
    opg = o // group
    for f in range(o):
        g = f // opg
        for i in range(oh):
            for j in range(ow):
                win = x[g * ipg:(g + 1) * ipg, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw]
                y[f, i, j] = np.sum(win * w[f])
    if b is not None:
        y += b[:, None, None]
    return y


def pool(x, k, strides, pads, kind, include_pad=False):
    xp = pad_image(x.astype(np.float64), pads, -np.inf if kind == "max" else 0.0)
    ones = pad_image(np.ones_like(x, dtype=np.float64), pads)
    c, h, w = xp.shape
    oh, ow = (h - k[0]) // strides[0] + 1, (w - k[1]) // strides[1] + 1
    y = np.zeros((c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            sl = (slice(None), slice(i * strides[0], i * strides[0] + k[0]), slice(j * strides[1], j * strides[1] + k[1]))
            if kind == "max":
                y[:, i, j] = xp[sl].max(axis=(1, 2))
            else:
                n = k[0] * k[1] if include_pad else ones[sl].sum(axis=(1, 2))
                y[:, i, j] = xp[sl].sum(axis=(1, 2)) / n
    return y


def same_pads(in_hw, k, s, upper=True):
    pads_b, pads_e = [], []
    for a in range(2):
        out = -(-in_hw[a] // s[a])
        total = max((out - 1) * s[a] + k[a] - in_hw[a], 0)
        b = total // 2 if upper else total - total // 2
        pads_b.append(b)
        pads_e.append(total - b)
    return (pads_b[0], pads_b[1], pads_e[0], pads_e[1])


def bn(x, scale, bias, mean, var, eps, axis_shape):
    r = lambda v: v.reshape(axis_shape)
    return (x - r(mean)) / np.sqrt(r(var) + eps) * r(scale) + r(bias)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def lstm(xs, W, R, B, H):
    h = np.zeros(H)
    c = np.zeros(H)
    ys = []
    for x in xs:
        g = W @ x + R @ h + (B[:4 * H] + B[4 * H:] if B is not None else 0)
        i, o, f, cc = sigmoid(g[:H]), sigmoid(g[H:2 * H]), sigmoid(g[2 * H:3 * H]), np.tanh(g[3 * H:])
        c = f * c + i * cc
        h = o * np.tanh(c)
        ys.append(h)
    return np.array(ys)


def gru(xs, W, R, B, H):
    h = np.zeros(H)
    ys = []
    wb = B[:3 * H] if B is not None else np.zeros(3 * H)
    rb = B[3 * H:] if B is not None else np.zeros(3 * H)
    for x in xs:
        z = sigmoid(W[:H] @ x + R[:H] @ h + wb[:H] + rb[:H])
        r = sigmoid(W[H:2 * H] @ x + R[H:2 * H] @ h + wb[H:2 * H] + rb[H:2 * H])
        hh = np.tanh(W[2 * H:] @ x + R[2 * H:] @ (r * h) + rb[2 * H:] + wb[2 * H:])
        h = (1 - z) * hh + z * h
        ys.append(h)
    return np.array(ys)


def per_example(x, f):
    return np.stack([f(e) for e in x]).astype(np.float32)


# ---- cases that import -----------------------------------------------------------
def conv_case(name, c=3, hw=(8, 8), o=4, k=(3, 3), strides=(1, 1), pads=None, auto_pad=None, group=1, bias=True,
              opset=13, ref_pads=None):
    w = rand(o, c // group, *k, scale=0.5)
    b = rand(o) if bias else None
    attrs = {"kernel_shape": list(k), "strides": list(strides)}
    if pads is not None:
        attrs["pads"] = list(pads)
    if auto_pad is not None:
        attrs["auto_pad"] = auto_pad
    if group != 1:
        attrs["group"] = group
    inits = {"w": w}
    ins = ["x", "w"]
    if bias:
        inits["b"] = b
        ins.append("b")
    m = model([helper.make_node("Conv", ins, ["y"], name="conv", **attrs)], inits, [1, c, *hw], opset=opset)
    x = rand(BATCH, c, *hw)
    rp = ref_pads if ref_pads is not None else (pads if pads is not None else (0, 0, 0, 0))
    save_ok(name, m, x, per_example(x, lambda e: conv(e, w, b, strides, rp, group)))


conv_case("conv_valid")
conv_case("conv_pads_stride", pads=(1, 1, 1, 1), strides=(2, 2), bias=False, opset=11)
conv_case("conv_same_upper", hw=(7, 7), k=(4, 4), strides=(2, 2), auto_pad="SAME_UPPER",
          ref_pads=same_pads((7, 7), (4, 4), (2, 2)))
conv_case("conv_same_lower_odd_kernel", auto_pad="SAME_LOWER", ref_pads=same_pads((8, 8), (3, 3), (1, 1), False))
conv_case("conv_tf_same_pads", pads=(0, 0, 1, 1), strides=(2, 2))
conv_case("conv_valid_auto_pad", auto_pad="VALID", opset=17)
conv_case("conv_depthwise", c=4, o=4, group=4, pads=(1, 1, 1, 1))
conv_case("conv_depthwise_stride", c=5, o=5, group=5, k=(3, 3), strides=(2, 2), pads=(1, 1, 1, 1), bias=False)
conv_case("conv_rect", c=2, hw=(6, 9), o=3, k=(3, 1), strides=(1, 2), pads=(1, 0, 1, 0))
conv_case("conv_1x1", c=6, o=2, k=(1, 1))


def image_chain(name, make_nodes, inits, c, hw, ref, opset=13, out="y"):
    m = model(make_nodes, inits, [1, c, *hw], opset=opset, out_name=out)
    x = rand(BATCH, c, *hw)
    save_ok(name, m, x, per_example(x, ref))


# conv + batchnorm + relu (batchnorm as mote's batch_norm layer)
w1, s1, b1, m1, v1 = rand(5, 3, 3, 3, scale=0.5), rand(5) + 1.5, rand(5), rand(5), np.abs(rand(5)) + 0.5
image_chain("conv_bn_relu",
            [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "s", "bb", "m", "v"], ["n"], epsilon=1e-3, momentum=0.9),
             helper.make_node("Relu", ["n"], ["y"])],
            {"w": w1, "s": s1, "bb": b1, "m": m1, "v": v1}, 3, (6, 6),
            lambda e: np.maximum(bn(conv(e, w1, None, pads=(1, 1, 1, 1)), s1, b1, m1, v1, 1e-3, (-1, 1, 1)), 0),
            opset=15)


def pool_case(name, op, k, strides, pads=None, auto_pad=None, include_pad=None, ref_pads=None, opset=13, hw=(7, 7)):
    attrs = {"kernel_shape": list(k), "strides": list(strides)}
    if pads is not None:
        attrs["pads"] = list(pads)
    if auto_pad is not None:
        attrs["auto_pad"] = auto_pad
    if include_pad is not None:
        attrs["count_include_pad"] = include_pad
    rp = ref_pads if ref_pads is not None else (pads if pads is not None else (0, 0, 0, 0))
    kind = "max" if op == "MaxPool" else "avg"
    image_chain(name, [helper.make_node(op, ["x"], ["y"], **attrs)], {}, 3, hw,
                lambda e: pool(e, k, strides, rp, kind), opset=opset)


pool_case("maxpool", "MaxPool", (2, 2), (2, 2), hw=(8, 8))
pool_case("maxpool_pads", "MaxPool", (3, 3), (2, 2), pads=(1, 1, 1, 1), opset=11)
pool_case("maxpool_same_upper", "MaxPool", (2, 2), (2, 2), auto_pad="SAME_UPPER", ref_pads=same_pads((7, 7), (2, 2), (2, 2)))
pool_case("avgpool", "AveragePool", (2, 2), (2, 2), hw=(8, 8))
pool_case("avgpool_pads_exclude", "AveragePool", (3, 3), (1, 1), pads=(1, 1, 1, 1), include_pad=0)
pool_case("avgpool_include_pad_unpadded", "AveragePool", (3, 3), (2, 2), include_pad=1, opset=17)

# GlobalAveragePool -> Flatten -> Gemm(transB) -> Softmax (opset 11: axis 1 coerced)
wg, bg = rand(4, 6), rand(4)
image_chain("gap_flatten_gemm_softmax11",
            [helper.make_node("GlobalAveragePool", ["x"], ["g"]), helper.make_node("Flatten", ["g"], ["f"]),
             helper.make_node("Gemm", ["f", "w", "b"], ["z"], transB=1), helper.make_node("Softmax", ["z"], ["y"])],
            {"w": wg, "b": bg}, 6, (5, 4), lambda e: softmax(wg @ e.mean(axis=(1, 2)) + bg), opset=11)

# GlobalAveragePool -> BatchNormalization on [1, C, 1, 1] (mote holds [C]) -> Flatten
sg, bgn, mg, vg = rand(6) + 1.5, rand(6), rand(6), np.abs(rand(6)) + 0.5
image_chain("gap_bn_flatten",
            [helper.make_node("GlobalAveragePool", ["x"], ["g"]),
             helper.make_node("BatchNormalization", ["g", "s", "b", "m", "v"], ["n"]),
             helper.make_node("Flatten", ["n"], ["y"])],
            {"s": sg, "b": bgn, "m": mg, "v": vg}, 6, (3, 5),
            lambda e: bn(e.mean(axis=(1, 2)), sg, bgn, mg, vg, 1e-5, (-1,)), opset=13)

# NCHW conv -> Flatten -> Gemm (no transB, alpha, beta, C [1, N]): mote permutes the weight columns
wc, wf, cf = rand(3, 2, 3, 3, scale=0.5), rand(3 * 4 * 4, 5, scale=0.3), rand(1, 5)
image_chain("conv_flatten_gemm_alpha_beta",
            [helper.make_node("Conv", ["x", "wc"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Flatten", ["c"], ["f"], axis=1),
             helper.make_node("Gemm", ["f", "wf", "cf"], ["y"], alpha=0.5, beta=2.0)],
            {"wc": wc, "wf": wf, "cf": cf}, 2, (4, 4),
            lambda e: 0.5 * conv(e, wc, None, pads=(1, 1, 1, 1)).reshape(-1) @ wf + 2.0 * cf[0], opset=13)

# NCHW -> Reshape [1, -1] -> MatMul + Add (the bias) -> LeakyRelu; shape from a Constant node
wm, bm = rand(2 * 3 * 3, 4, scale=0.3), rand(4)
image_chain("reshape_matmul_add_leaky",
            [helper.make_node("Constant", [], ["shape"], value=tensor("shape", np.array([1, -1], dtype=np.int64))),
             helper.make_node("Reshape", ["x", "shape"], ["r"]), helper.make_node("MatMul", ["r", "wm"], ["mm"]),
             helper.make_node("Add", ["mm", "bm"], ["a"]), helper.make_node("LeakyRelu", ["a"], ["y"], alpha=0.2)],
            {"wm": wm, "bm": bm}, 2, (3, 3),
            lambda e: (lambda z: np.where(z > 0, z, 0.2 * z))(e.reshape(-1) @ wm + bm), opset=14)

# Reshape [0, -1] (0 copies the batch dimension), MaxPool before it
wr = rand(3 * 2 * 2, 3, scale=0.3)
image_chain("maxpool_reshape_zero_matmul",
            [helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Reshape", ["p", "shape"], ["r"]), helper.make_node("MatMul", ["r", "wr"], ["y"])],
            {"shape": np.array([0, -1], dtype=np.int64), "wr": wr}, 3, (4, 4),
            lambda e: pool(e, (2, 2), (2, 2), (0, 0, 0, 0), "max").reshape(-1) @ wr, opset=12)

# Residual: conv -> relu -> conv -> Add(first) -> relu
wa, wb2 = rand(3, 3, 3, 3, scale=0.4), rand(3, 3, 3, 3, scale=0.4)
image_chain("residual_add",
            [helper.make_node("Conv", ["x", "wa"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "wb"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["c2", "r1"], ["s"]), helper.make_node("Relu", ["s"], ["y"])],
            {"wa": wa, "wb": wb2}, 3, (5, 5),
            lambda e: (lambda r1: np.maximum(conv(r1, wb2, None, pads=(1, 1, 1, 1)) + r1, 0))(
                np.maximum(conv(e, wa, None, pads=(1, 1, 1, 1)), 0)), opset=13)

# Softmax over the channels of an NCHW image (opset 13, axis 1); the output is channels-last
image_chain("softmax_channels13", [helper.make_node("Softmax", ["x"], ["y"], axis=1)], {}, 4, (3, 2),
            lambda e: softmax(e, axis=0), opset=13)

# Identity and Dropout (opset 12: ratio and training_mode inputs) are dropped; Clip(0, inf) is Relu
image_chain("identity_dropout_clip",
            [helper.make_node("Identity", ["x"], ["i"]),
             helper.make_node("Dropout", ["i", "ratio", "train"], ["d"]),
             helper.make_node("Clip", ["d", "zero"], ["y"])],
            {"ratio": np.array(0.5, dtype=np.float32), "train": np.array(False), "zero": np.array(0.0, dtype=np.float32)},
            2, (3, 3), lambda e: np.maximum(e, 0), opset=12)

# Clip(0, 6) (ReLU6, MobileNet's) after a conv: mote's relu with max_value 6, fused into the conv's clamp
w6 = rand(4, 2, 3, 3, scale=3.0)
image_chain("conv_clip_relu6",
            [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Clip", ["c", "lo", "hi"], ["y"])],
            {"w": w6, "lo": np.array(0.0, dtype=np.float32), "hi": np.array(6.0, dtype=np.float32)}, 2, (5, 5),
            lambda e: np.clip(conv(e, w6, None, pads=(1, 1, 1, 1)), 0, 6), opset=13)


def vector_case(name, nodes, inits, f, ref, opset=13):
    m = model(nodes, inits, [1, f], opset=opset)
    x = rand(BATCH, f)
    save_ok(name, m, x, per_example(x, ref))


wd1, bd1, wd2 = rand(6, 7), rand(7), rand(5, 7)
vector_case("dense_sigmoid_tanh_softmax13",
            [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]), helper.make_node("Sigmoid", ["h"], ["s"]),
             helper.make_node("Gemm", ["s", "w2"], ["t"], transB=1), helper.make_node("Tanh", ["t"], ["u"]),
             helper.make_node("Softmax", ["u"], ["y"])],
            {"w1": wd1, "b1": bd1, "w2": wd2}, 6, lambda e: softmax(np.tanh(wd2 @ sigmoid(e @ wd1 + bd1))))
s4, b4, m4, v4 = rand(7) + 1.5, rand(7), rand(7), np.abs(rand(7)) + 0.5
vector_case("gemm_bn1d_relu_scalar_bias",
            [helper.make_node("Gemm", ["x", "w1", "c"], ["h"], beta=0.5),
             helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["n"]),
             helper.make_node("Relu", ["n"], ["y"])],
            {"w1": wd1, "c": np.array([0.25], dtype=np.float32), "s": s4, "b": b4, "m": m4, "v": v4}, 6,
            lambda e: np.maximum(bn(e @ wd1 + 0.125, s4, b4, m4, v4, 1e-5, (-1,)), 0), opset=17)
# A Transpose of a constant (PyTorch without constant folding) is folded
vector_case("transpose_constant_matmul",
            [helper.make_node("Transpose", ["w1"], ["wt"], perm=[1, 0]), helper.make_node("MatMul", ["x", "wt"], ["y"])],
            {"w1": wd2}, 7, lambda e: wd2 @ e)
# Clip(0, 0.5) on its own (opset 11): a bounded relu with nothing to fuse into
vector_case("clip_bounded_relu11",
            [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])],
            {"lo": np.array(0.0, dtype=np.float32), "hi": np.array(0.5, dtype=np.float32)}, 9,
            lambda e: np.clip(e, 0, 0.5), opset=11)
vector_case("softmax11_rank2", [helper.make_node("Softmax", ["x"], ["y"])], {}, 5, lambda e: softmax(e), opset=11)


def recurrent_case(name, op, hidden, steps, features, bias=True, layout=0, sequences=False, opset=14):
    g = 4 if op == "LSTM" else 3
    W, R = rand(1, g * hidden, features, scale=0.5), rand(1, g * hidden, hidden, scale=0.5)
    B = rand(1, 2 * g * hidden, scale=0.5) if bias else None
    attrs = {"hidden_size": hidden}
    if layout:
        attrs["layout"] = 1
    inits = {"W": W, "R": R}
    ins = ["x", "W", "R"]
    if bias:
        inits["B"] = B
        ins.append("B")
    outs = ["Y", ""] if sequences else ["", "Yh"]
    nodes = [helper.make_node(op, ins, outs, name=op.lower(), **attrs)]
    if sequences:
        nodes.append(helper.make_node("Flatten", ["Y"], ["y"], axis=0 if layout == 0 else 1))
    else:
        nodes.append(helper.make_node("Reshape", ["Yh", "shape"], ["y"]))
        inits["shape"] = np.array([1, hidden], dtype=np.int64)
    in_shape = [steps, 1, features] if layout == 0 else [1, steps, features]
    m = model(nodes, inits, in_shape, opset=opset)
    x = rand(BATCH, steps, features)  # mote's layout: [T, F] per example
    f = lstm if op == "LSTM" else gru
    ref = lambda e: (lambda ys: ys.reshape(-1) if sequences else ys[-1])(
        f(e.astype(np.float64), W[0], R[0], None if B is None else B[0], hidden))
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    np.save(os.path.join(OUT, name + ".x.npy"), x.reshape(BATCH, -1))
    np.save(os.path.join(OUT, name + ".y.npy"), per_example(x, ref).reshape(BATCH, -1))
    manifest.append(f"{name} ok")


recurrent_case("lstm_last", "LSTM", 4, 5, 3, opset=11)
recurrent_case("lstm_sequences_layout1", "LSTM", 3, 4, 2, layout=1, sequences=True, opset=14)
recurrent_case("lstm_no_bias", "LSTM", 2, 3, 3, bias=False)
recurrent_case("gru_last", "GRU", 4, 5, 3)
recurrent_case("gru_sequences", "GRU", 3, 4, 2, sequences=True, opset=17)

# A symbolic batch dimension is fine
m = model([helper.make_node("Relu", ["x"], ["y"])], {}, ["N", 4])
x = rand(BATCH, 4)
save_ok("symbolic_batch", m, x, np.maximum(x, 0))

# ---- cases that are refused ---------------------------------------------------
good = model([helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])], {"w": rand(2, 1, 3, 3)}, [1, 1, 5, 5])
good_bytes = good.SerializeToString()
save_error("truncated", good_bytes[: len(good_bytes) // 2], "does not parse")
save_error("empty_file", b"", "without a graph")
save_error("not_onnx", b"\x93NUMPY garbage that is no protobuf \xff\xff\xff", "does not parse")
save_error("missing_initializer",
           model([helper.make_node("Conv", ["x", "w_missing"], ["y"], kernel_shape=[3, 3])], {}, [1, 1, 5, 5]),
           "defined by no initializer")
save_error("unknown_op", model([helper.make_node("Erf", ["x"], ["y"], name="erf1")], {}, [1, 4]),
           "node 'erf1' (Erf): operator not imported")
save_error("dynamic_shape", model([helper.make_node("Relu", ["x"], ["y"])], {}, [1, 3, "height", 8]),
           "dynamic ('height')")
save_error("wrong_rank_input", model([helper.make_node("Relu", ["x"], ["y"])], {}, [1, 2, 3, 4, 5]), "rank 5")
save_error("conv_on_vector",
           model([helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[1, 1])], {"w": rand(2, 4, 1, 1)}, [1, 4]),
           "NCHW image")
save_error("conv_weight_rank",
           model([helper.make_node("Conv", ["x", "w"], ["y"])], {"w": rand(2, 1, 3)}, [1, 1, 5, 5]), "weights of rank 3")
save_error("gemm_wrong_size",
           model([helper.make_node("Gemm", ["x", "w"], ["y"])], {"w": rand(5, 3)}, [1, 4]), "B takes 5 inputs")
save_error("opset_10", model([helper.make_node("Relu", ["x"], ["y"])], {}, [1, 4], opset=10), "opset 10")
save_error("opset_18", model([helper.make_node("Relu", ["x"], ["y"])], {}, [1, 4], opset=18), "opset 18")
save_error("clip_no_min", model([helper.make_node("Clip", ["x", "", "hi"], ["y"])],
                               {"hi": np.array(6.0, dtype=np.float32)}, [1, 4]), "Clip(-inf, 6)")
save_error("clip_range", model([helper.make_node("Clip", ["x", "lo", "hi"], ["y"])],
                               {"lo": np.array(-1.0, dtype=np.float32), "hi": np.array(1.0, dtype=np.float32)}, [1, 4]),
           "Clip(-1, 1)")
save_error("asymmetric_pads",
           model([helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], pads=[1, 0, 0, 1])],
                 {"w": rand(2, 1, 3, 3)}, [1, 1, 6, 6]), "pads [top 1, left 0, bottom 0, right 1]")
save_error("grouped_conv",
           model([helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], group=2)],
                 {"w": rand(4, 2, 3, 3)}, [1, 4, 6, 6]), "group = 2")
save_error("dilated_conv",
           model([helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], dilations=[2, 2])],
                 {"w": rand(2, 1, 3, 3)}, [1, 1, 8, 8]), "dilations [2, 2]")
save_error("avgpool_count_include_pad",
           model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                                   count_include_pad=1)], {}, [1, 2, 5, 5]), "count_include_pad = 1")
save_error("maxpool_ceil_mode",
           model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)], {},
                 [1, 2, 5, 5]), "ceil_mode")
save_error("gru_linear_before_reset",
           model([helper.make_node("GRU", ["x", "W", "R"], ["", "y"], hidden_size=2, linear_before_reset=1)],
                 {"W": rand(1, 6, 3), "R": rand(1, 6, 2)}, [4, 1, 3]), "linear_before_reset = 1")
save_error("lstm_bidirectional",
           model([helper.make_node("LSTM", ["x", "W", "R"], ["", "y"], hidden_size=2, direction="bidirectional")],
                 {"W": rand(2, 8, 3), "R": rand(2, 8, 2)}, [4, 1, 3]), "direction 'bidirectional'")
save_error("two_inputs", model([helper.make_node("Add", ["x", "x2"], ["y"])], {}, [1, 4],
                               extra_inputs=[helper.make_tensor_value_info("x2", TensorProto.FLOAT, [1, 4])]),
           "2 inputs")
save_error("add_broadcast_constant", model([helper.make_node("Add", ["x", "c"], ["y"])], {"c": rand(4)}, [1, 4]),
           "Add of a constant")
save_error("softmax_axis_w", model([helper.make_node("Softmax", ["x"], ["y"], axis=3)], {}, [1, 2, 3, 4]),
           "softmax over axis 3")
save_error("transpose_activation", model([helper.make_node("Transpose", ["x"], ["y"])], {}, [1, 4]),
           "Transpose of an activation")
save_error("concat_activations", model([helper.make_node("Concat", ["x", "x"], ["y"], axis=1)], {}, [1, 4]),
           "Concat of activations")
save_error("gather_activation", model([helper.make_node("Gather", ["x", "i"], ["y"], axis=1)],
                                      {"i": np.array(2, dtype=np.int64)}, [1, 4]), "Gather of an activation")
save_error("expand_activation", model([helper.make_node("Expand", ["x", "s"], ["y"])],
                                      {"s": np.array([2, 4], dtype=np.int64)}, [1, 4]), "Expand of an activation")
save_error("reshape_rank3", model([helper.make_node("Reshape", ["x", "s"], ["y"])],
                                  {"s": np.array([1, 2, 2], dtype=np.int64)}, [1, 4]), "rank-3 shape")
save_error("undefined_output", model([helper.make_node("Relu", ["x"], ["z"])], {}, [1, 4]),
           "graph output 'y' is computed by no node")
save_error("output_is_input", model([helper.make_node("Relu", ["x"], ["z"])], {}, [1, 4], out_name="x"),
           "graph output 'x' is not computed by any layer")
save_error("dead_branch", model([helper.make_node("Relu", ["x"], ["z"]), helper.make_node("Sigmoid", ["x"], ["y"])],
                                {}, [1, 4]), "does not lead to the graph output")
save_error("other_domain", model([helper.make_node("FusedConv", ["x"], ["y"], domain="com.microsoft")], {}, [1, 4]),
           "domain 'com.microsoft'")
bad_attr = model([helper.make_node("LeakyRelu", ["x"], ["y"], alpha=2)], {}, [1, 4])  # an int, not a float
save_error("attribute_type", bad_attr, "attribute 'alpha' should be a float")
bad_tensor = model([helper.make_node("Relu", ["x"], ["y"])], {}, [1, 4])
t = bad_tensor.graph.initializer.add()
t.name = "w"
t.data_type = TensorProto.FLOAT
t.dims.extend([3, 4])
t.raw_data = b"\0" * 20  # 5 floats for a [3, 4] tensor
save_error("tensor_size_mismatch", bad_tensor, "5 values stored for shape of 12")

# ---- PyTorch: its exporter's graphs, and the NumPy references checked against it ----
try:
    import torch
except ImportError:
    torch = None
if torch is None:
    manifest.append("# python3-torch not installed: PyTorch cases skipped")
else:
    torch.manual_seed(0)

    def torch_case(name, net, in_shape, opset=13, preserve=False, fold=True):
        net.eval()
        x = torch.randn(BATCH, *in_shape[1:])
        with torch.no_grad():
            y = net(x).numpy()
        path = os.path.join(OUT, name + ".onnx")
        # PRESERVE keeps the BatchNormalization nodes (the default, EVAL, folds them into the convs).
        torch.onnx.export(net, torch.randn(*in_shape), path, opset_version=opset, input_names=["x"],
                          output_names=["y"], training=torch.onnx.TrainingMode.PRESERVE if preserve else
                          torch.onnx.TrainingMode.EVAL, do_constant_folding=fold)
        np.save(os.path.join(OUT, name + ".x.npy"), to_mote(x.numpy()))
        np.save(os.path.join(OUT, name + ".y.npy"), to_mote(y))
        manifest.append(f"{name} ok")

    nn = torch.nn

    def randomize_bn(net):
        for mod in net.modules():
            if isinstance(mod, (nn.BatchNorm2d, nn.BatchNorm1d)):
                with torch.no_grad():
                    mod.running_mean.uniform_(-0.5, 0.5)
                    mod.running_var.uniform_(0.5, 2.0)
                    mod.weight.uniform_(0.5, 1.5)
                    mod.bias.uniform_(-0.5, 0.5)
        return net

    cnn = lambda: randomize_bn(nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
        nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6 * 2 * 2, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 3)))
    torch_case("torch_cnn_bn_folded", cnn(), [1, 1, 14, 14], opset=13)
    torch_case("torch_cnn_bn_kept", cnn(), [1, 1, 14, 14], opset=15, preserve=True)
    torch_case("torch_depthwise_gap", randomize_bn(nn.Sequential(
        nn.Conv2d(3, 3, 3, padding=1, groups=3), nn.BatchNorm2d(3), nn.LeakyReLU(0.1), nn.Conv2d(3, 5, 1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 4), nn.Softmax(dim=1))), [1, 3, 9, 9], opset=11)
    # MobileNet's block: ReLU6 exports as Clip(0, 6); the first conv's weights scaled so that it clips
    mobile = randomize_bn(nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU6(), nn.Conv2d(6, 6, 3, padding=1, groups=6),
        nn.BatchNorm2d(6), nn.ReLU6(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3)))
    with torch.no_grad():
        mobile[0].weight.mul_(8.0)
    torch_case("torch_mobilenet_relu6", mobile, [1, 3, 7, 7], opset=13)
    torch_case("torch_mlp", randomize_bn(nn.Sequential(
        nn.Linear(10, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 4), nn.Sigmoid())), [1, 10], opset=17, preserve=True)
    torch_case("torch_mlp_unfolded", nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3, bias=False)), [1, 6],
               opset=13, preserve=True, fold=False)
    # PyTorch's LSTM: its zero initial state comes from Shape / Gather / Unsqueeze / Concat / Expand
    # (folded), its last state h[-1] from a Gather of a size-1 axis.
    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm, self.fc = nn.LSTM(3, 5), nn.Linear(5, 2)

        def forward(self, x):
            y, (h, c) = self.lstm(x)
            return self.fc(h[-1])

    net = Lstm().eval()
    xs = torch.randn(BATCH, 6, 1, 3)  # BATCH sequences [T, 1, F]
    with torch.no_grad():
        ys = np.stack([net(x).numpy()[0] for x in xs])
    torch.onnx.export(net, xs[0], os.path.join(OUT, "torch_lstm.onnx"), opset_version=13, input_names=["x"],
                      output_names=["y"])
    np.save(os.path.join(OUT, "torch_lstm.x.npy"), xs.numpy().reshape(BATCH, -1))
    np.save(os.path.join(OUT, "torch_lstm.y.npy"), ys)
    manifest.append("torch_lstm ok")

    # The NumPy references agree with PyTorch's operators.
    x = rand(2, 3, 7, 7)
    w, b = rand(4, 3, 3, 3), rand(4)
    ref = np.stack([conv(e, w, b, (2, 2), (1, 1, 1, 1)) for e in x])
    got = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), 2, 1).numpy()
    assert np.abs(ref - got).max() < 1e-4, "numpy conv reference"
    ref = np.stack([pool(e, (3, 3), (2, 2), (1, 1, 1, 1), "avg") for e in x])
    got = torch.nn.functional.avg_pool2d(torch.from_numpy(x), 3, 2, 1, count_include_pad=False).numpy()
    assert np.abs(ref - got).max() < 1e-5, "numpy avg pool reference"
    lstm_t = nn.LSTM(3, 4)
    xs = rand(5, 1, 3)
    with torch.no_grad():
        got = lstm_t(torch.from_numpy(xs))[0].numpy()[:, 0]
    p = dict(lstm_t.named_parameters())
    reorder = lambda a: np.concatenate([a[0:4], a[12:16], a[4:8], a[8:12]])  # torch i f g o -> onnx i o f c
    W = reorder(p["weight_ih_l0"].detach().numpy())
    R = reorder(p["weight_hh_l0"].detach().numpy())
    B = np.concatenate([reorder(p["bias_ih_l0"].detach().numpy()), reorder(p["bias_hh_l0"].detach().numpy())])
    assert np.abs(lstm(xs[:, 0].astype(np.float64), W, R, B, 4) - got).max() < 1e-5, "numpy lstm reference"
    manifest.append("# numpy references checked against PyTorch " + torch.__version__)

# ---- quantized models (QDQ, QLinearConv / QLinearMatMul): test/onnx/qdq_cases.py ----
import qdq_cases  # noqa: E402 (beside this script)

qdq_cases.write(OUT, manifest, rng, 32)  # more examples: outputs compared to the step

with open(os.path.join(OUT, "manifest.txt"), "w") as f:
    f.write("\n".join(manifest) + "\n")
print(f"{len(manifest)} cases in {OUT}")
