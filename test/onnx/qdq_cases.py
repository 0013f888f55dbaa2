"""Quantized ONNX cases for make_onnx_cases.py: QDQ models (QuantizeLinear /
DequantizeLinear around float Conv, Relu and Gemm, as onnxruntime's static
quantizer writes them), QLinearConv / QLinearMatMul, and onnxruntime's
QOperator format (MaxPool and Flatten on the integers, com.microsoft QGemm),
with a NumPy integer
reference of ONNX's semantics: int32 accumulation of (q - zero_point)
products plus the int32 bias, requantized by the real factor
s_in * s_w / s_out with round half to even and saturation. mote's int8
runtime must come within one output quantization step of it.

Manifest lines it adds:
  NAME int8 STEP        NAME.onnx imports; its int8 export (the file's
                        parameters, no calibration) run on NAME.x.npy gives
                        NAME.y.npy within STEP (the output's scale)
  NAME int8error TEXT   NAME.onnx imports, its int8 export fails with TEXT
  NAME error TEXT       the import fails with TEXT
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize(x, scale, zero_point, dtype):
    info = np.iinfo(dtype)
    return np.clip(np.rint(np.asarray(x, np.float64) / scale) + zero_point, info.min, info.max).astype(np.int64)


def act_params(lo, hi, dtype):
    """onnxruntime's MinMax calibration: asymmetric, the range widened to 0."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    info = np.iinfo(dtype)
    zero_point = int(np.clip(np.rint(info.min - lo / float(scale)), info.min, info.max))
    return scale, zero_point


def weight_params(w, per_channel, axis=0):
    """Symmetric int8 scales: one per index of `axis`, or one for all."""
    if per_channel:
        other = tuple(a for a in range(w.ndim) if a != axis)
        m = np.abs(w).max(axis=other)
    else:
        m = np.array([np.abs(w).max()])
    return (np.maximum(m, 1e-8) / 127.0).astype(np.float32)


def requantize(acc, factor, zero_point, dtype):
    """ONNX's QLinear output: round half to even, saturate."""
    info = np.iinfo(dtype)
    return np.clip(np.rint(acc * factor) + zero_point, info.min, info.max).astype(np.int64)


def quantized_output(acc, real_scale, dtype):
    """int32 accumulators whose real values are acc * real_scale, calibrated (MinMax) and requantized:
    (q, scale, zero_point)."""
    f = acc * real_scale
    s, z = act_params(f.min(), f.max(), dtype)
    return requantize(acc, real_scale / float(s), z, dtype), s, z


def int_conv(qx, qw, k):
    """[C, H, W] x [O, C, k, k] integer 'valid' correlation, stride 1 (float64: exact here)."""
    c, h, w = qx.shape
    o = qw.shape[0]
    y = np.zeros((o, h - k + 1, w - k + 1))
    for i in range(h - k + 1):
        for j in range(w - k + 1):
            y[:, i, j] = np.tensordot(qw, qx[:, i:i + k, j:j + k], axes=3)
    return y


def scalar(value, dtype):
    return np.array(value, dtype=dtype)


class Writer:
    def __init__(self, out, manifest, rng, batch):
        self.out, self.manifest, self.rng, self.batch = out, manifest, rng, batch

    def save(self, name, graph_nodes, inits, in_shape, opset=13, microsoft=False):
        graph = helper.make_graph(graph_nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                                  initializer=[numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()])
        opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("com.microsoft", 1)] if microsoft else [])
        m = helper.make_model(graph, opset_imports=opsets, producer_name="qdq_cases")
        m.ir_version = 8
        onnx.save(m, os.path.join(self.out, name + ".onnx"))
        return m

    def ok(self, name, x_nchw, y, step):
        x = np.ascontiguousarray(x_nchw.transpose(0, 2, 3, 1).reshape(x_nchw.shape[0], -1), dtype=np.float32)
        np.save(os.path.join(self.out, name + ".x.npy"), x)
        np.save(os.path.join(self.out, name + ".y.npy"), np.asarray(y, np.float32).reshape(y.shape[0], -1))
        self.manifest.append(f"{name} int8 {float(step)!r}")


def qdq_conv_relu_gemm(wr, name, act_dtype, per_channel, weight_dtype=np.int8, trans_b=1, weight_zero_point=0,
                       export_error=None):
    """x -Q/DQ-> Conv(DQ w, DQ b) -Q/DQ-> Relu -Q/DQ-> Flatten -> Gemm(DQ w, DQ b) -Q/DQ-> y."""
    rng = wr.rng
    c, hw, o, k, units = 2, 6, 3, 3, 4
    x = rng.standard_normal((wr.batch, c, hw, hw)).astype(np.float32)
    w1 = (rng.standard_normal((o, c, k, k)) * 0.4).astype(np.float32)
    b1 = (rng.standard_normal(o) * 0.2).astype(np.float32)
    feats = o * (hw - k + 1) ** 2
    w2 = (rng.standard_normal((units, feats)) * 0.2).astype(np.float32)  # [N, K]
    b2 = (rng.standard_normal(units) * 0.2).astype(np.float32)
    act = np.dtype(act_dtype).type

    # Float forward for the activation ranges (onnxruntime's calibration).
    sx, zx = act_params(x.min(), x.max(), act_dtype)
    sw1 = weight_params(w1, per_channel)
    qw1 = quantize(w1, sw1.reshape(-1, 1, 1, 1), 0, np.int8)
    qx = quantize(x, sx, zx, act_dtype)
    xf = (qx - zx) * float(sx)
    conv_f = np.stack([int_conv(e, qw1 * sw1.reshape(-1, 1, 1, 1), k) + b1[:, None, None] for e in xf])
    s1, z1 = act_params(conv_f.min(), conv_f.max(), act_dtype)
    relu_f = np.maximum(conv_f, 0).reshape(wr.batch, -1)
    sw2 = weight_params(w2, per_channel, axis=0)
    qw2 = quantize(w2, sw2.reshape(-1, 1), 0, np.int8)
    gemm_f = relu_f @ (qw2 * sw2.reshape(-1, 1)).T + b2
    s3, z3 = act_params(gemm_f.min(), gemm_f.max(), act_dtype)

    # The integer reference.
    qb1 = np.rint(b1 / (float(sx) * sw1.astype(np.float64) * np.ones(o))).astype(np.int64)
    ys = []
    for e in qx:
        acc = int_conv((e - zx).astype(np.float64), qw1.astype(np.float64), k) + qb1[:, None, None]
        q1 = requantize(acc, (float(sx) * sw1.astype(np.float64) * np.ones(o) / float(s1))[:, None, None], z1,
                        act_dtype)
        q2 = np.maximum(q1, z1).reshape(-1)
        qb2 = np.rint(b2 / (float(s1) * sw2.astype(np.float64) * np.ones(units))).astype(np.int64)
        acc2 = qw2.astype(np.float64) @ (q2 - z1) + qb2
        q3 = requantize(acc2, float(s1) * sw2.astype(np.float64) * np.ones(units) / float(s3), z3, act_dtype)
        ys.append((q3 - z3) * float(s3))
    y = np.array(ys)

    # Weights as stored: int8, or uint8 with a zero point (asymmetric).
    wdt = weight_dtype
    stored_w1 = (qw1 + weight_zero_point).astype(wdt)
    stored_w2 = (qw2 + weight_zero_point).astype(wdt)
    if export_error:  # a weight that is -128 steps from its zero point's shifted int8 range
        stored_w1.flat[0] = np.iinfo(wdt).min
    wz = lambda n: np.full(n, weight_zero_point, dtype=wdt) if per_channel else scalar(weight_zero_point, wdt)
    ws = lambda s: s if per_channel else s.reshape(())
    gemm_b = stored_w2 if trans_b else np.ascontiguousarray(stored_w2.T)
    inits = {
        "sx": sx, "zx": scalar(zx, act), "s1": s1, "z1": scalar(z1, act), "s3": s3, "z3": scalar(z3, act),
        "w1q": stored_w1, "sw1": ws(sw1), "zw1": wz(o), "b1q": qb1.astype(np.int32),
        "sb1": (sx * sw1 * np.ones(o, np.float32)).astype(np.float32), "zb1": np.zeros(o, np.int32),
        "w2q": gemm_b, "sw2": ws(sw2), "zw2": wz(units), "b2q": np.rint(b2 / (float(s1) * sw2.astype(np.float64)
                                                                             * np.ones(units))).astype(np.int32),
        "sb2": (s1 * sw2 * np.ones(units, np.float32)).astype(np.float32),
    }
    axis_w2 = 0 if trans_b else 1
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"]),
        helper.make_node("DequantizeLinear", ["w1q", "sw1", "zw1"], ["w1"], axis=0),
        helper.make_node("DequantizeLinear", ["b1q", "sb1", "zb1"], ["b1"], axis=0),
        helper.make_node("Conv", ["xd", "w1", "b1"], ["c"], kernel_shape=[k, k], name="conv"),
        helper.make_node("QuantizeLinear", ["c", "s1", "z1"], ["cq"]),
        helper.make_node("DequantizeLinear", ["cq", "s1", "z1"], ["cd"]),
        helper.make_node("Relu", ["cd"], ["r"], name="relu"),
        helper.make_node("QuantizeLinear", ["r", "s1", "z1"], ["rq"]),
        helper.make_node("DequantizeLinear", ["rq", "s1", "z1"], ["rd"]),
        helper.make_node("Flatten", ["rd"], ["f"]),
        helper.make_node("DequantizeLinear", ["w2q", "sw2", "zw2"], ["w2"], axis=axis_w2),
        helper.make_node("DequantizeLinear", ["b2q", "sb2"], ["b2"], axis=0),  # zero point absent: int32 0
        helper.make_node("Gemm", ["f", "w2", "b2"], ["g"], transB=trans_b, name="gemm"),
        helper.make_node("QuantizeLinear", ["g", "s3", "z3"], ["gq"]),
        helper.make_node("DequantizeLinear", ["gq", "s3", "z3"], ["y"]),
    ]
    wr.save(name, nodes, inits, [1, c, hw, hw])
    if export_error:
        wr.manifest.append(f"{name} int8error {export_error}")
    else:
        wr.ok(name, x, y, s3)


def qlinear_conv_matmul(wr, name):
    """x -Q-> QLinearConv -DQ-> Flatten -Q-> QLinearMatMul -DQ-> y (uint8 activations, int8 weights)."""
    rng = wr.rng
    c, hw, o, k, units = 3, 5, 4, 3, 5
    x = rng.standard_normal((wr.batch, c, hw, hw)).astype(np.float32)
    w1 = (rng.standard_normal((o, c, k, k)) * 0.3).astype(np.float32)
    b1 = (rng.standard_normal(o) * 0.2).astype(np.float32)
    feats = o * (hw - k + 1) ** 2
    w2 = (rng.standard_normal((feats, units)) * 0.2).astype(np.float32)  # MatMul's [K, N]
    sx, zx = act_params(x.min(), x.max(), np.uint8)
    sw1 = weight_params(w1, True)
    qw1 = quantize(w1, sw1.reshape(-1, 1, 1, 1), 0, np.int8)
    qb1 = np.rint(b1 / (float(sx) * sw1.astype(np.float64))).astype(np.int64)
    qx = quantize(x, sx, zx, np.uint8)
    accs = np.stack([int_conv((e - zx).astype(np.float64), qw1.astype(np.float64), k) + qb1[:, None, None] for e in qx])
    q1, s1, z1 = quantized_output(accs, (float(sx) * sw1.astype(np.float64))[None, :, None, None], np.uint8)
    sw2 = weight_params(w2, True, axis=1)
    qw2 = quantize(w2, sw2.reshape(1, -1), 0, np.int8)
    acc2 = (q1.reshape(wr.batch, -1) - z1).astype(np.float64) @ qw2.astype(np.float64)
    q3, s3, z3 = quantized_output(acc2, float(s1) * sw2.astype(np.float64), np.uint8)
    y = (q3 - z3) * float(s3)
    u8 = lambda v: scalar(v, np.uint8)
    inits = {"sx": sx, "zx": u8(zx), "s1": s1, "z1": u8(z1), "s3": s3, "z3": u8(z3),
             "w1": qw1.astype(np.int8), "sw1": sw1, "zw1": np.zeros(o, np.int8), "b1": qb1.astype(np.int32),
             "w2": qw2.astype(np.int8), "sw2": sw2, "zw2": np.zeros(units, np.int8)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("QLinearConv", ["xq", "sx", "zx", "w1", "sw1", "zw1", "s1", "z1", "b1"], ["cq"],
                         kernel_shape=[k, k], name="qconv"),
        helper.make_node("DequantizeLinear", ["cq", "s1", "z1"], ["cd"]),
        helper.make_node("Flatten", ["cd"], ["f"]),
        helper.make_node("QuantizeLinear", ["f", "s1", "z1"], ["fq"]),
        helper.make_node("QLinearMatMul", ["fq", "s1", "z1", "w2", "sw2", "zw2", "s3", "z3"], ["mq"], name="qmatmul"),
        helper.make_node("DequantizeLinear", ["mq", "s3", "z3"], ["y"]),
    ]
    wr.save(name, nodes, inits, [1, c, hw, hw])
    wr.ok(name, x, y, s3)


def qoperator_conv_pool_gemm(wr, name):
    """onnxruntime's QOperator format: x -Q-> QLinearConv -> MaxPool, Flatten (on the integers) -> QGemm
    (com.microsoft, int32 bias) -DQ-> y; uint8 activations, int8 weights per channel."""
    rng = wr.rng
    c, hw, o, k, units = 2, 6, 3, 3, 4
    x = rng.standard_normal((wr.batch, c, hw, hw)).astype(np.float32)
    w1 = (rng.standard_normal((o, c, k, k)) * 0.3).astype(np.float32)
    sx, zx = act_params(x.min(), x.max(), np.uint8)
    sw1 = weight_params(w1, True)
    qw1 = quantize(w1, sw1.reshape(-1, 1, 1, 1), 0, np.int8)
    qx = quantize(x, sx, zx, np.uint8)
    accs = np.stack([int_conv((e - zx).astype(np.float64), qw1.astype(np.float64), k) for e in qx])
    q1, s1, z1 = quantized_output(accs, (float(sx) * sw1.astype(np.float64))[None, :, None, None], np.uint8)
    oh = q1.shape[2] // 2
    pooled = q1[:, :, :2 * oh, :2 * oh].reshape(wr.batch, o, oh, 2, oh, 2).max(axis=(3, 5))  # 2x2, stride 2
    feats = o * oh * oh
    w2 = (rng.standard_normal((units, feats)) * 0.3).astype(np.float32)  # [N, K], transB = 1
    b2 = (rng.standard_normal(units) * 0.2).astype(np.float32)
    sw2 = weight_params(w2, True, axis=0)
    qw2 = quantize(w2, sw2.reshape(-1, 1), 0, np.int8)
    qb2 = np.rint(b2 / (float(s1) * sw2.astype(np.float64))).astype(np.int64)
    acc2 = (pooled.reshape(wr.batch, -1) - z1).astype(np.float64) @ qw2.T.astype(np.float64) + qb2
    q3, s3, z3 = quantized_output(acc2, float(s1) * sw2.astype(np.float64), np.uint8)
    y = (q3 - z3) * float(s3)
    u8 = lambda v: scalar(v, np.uint8)
    inits = {"sx": sx, "zx": u8(zx), "s1": s1, "z1": u8(z1), "s3": s3, "z3": u8(z3),
             "w1": qw1.astype(np.int8), "sw1": sw1, "zw1": np.zeros(o, np.int8),
             "w2": qw2.astype(np.int8), "sw2": sw2, "zw2": np.zeros(units, np.int8), "b2": qb2.astype(np.int32)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
        helper.make_node("QLinearConv", ["xq", "sx", "zx", "w1", "sw1", "zw1", "s1", "z1"], ["cq"], kernel_shape=[k, k]),
        helper.make_node("MaxPool", ["cq"], ["pq"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pq"], ["fq"]),
        helper.make_node("QGemm", ["fq", "s1", "z1", "w2", "sw2", "zw2", "b2", "s3", "z3"], ["gq"], transB=1,
                         domain="com.microsoft", name="qgemm"),
        helper.make_node("DequantizeLinear", ["gq", "s3", "z3"], ["y"]),
    ]
    wr.save(name, nodes, inits, [1, c, hw, hw], microsoft=True)
    wr.ok(name, x, y, s3)


def refusals(wr):
    def error(name, nodes, inits, in_shape, text):
        wr.save(name, nodes, inits, in_shape)
        wr.manifest.append(f"{name} error {text}")

    f32, u8 = lambda v: np.array(v, np.float32), lambda v: scalar(v, np.uint8)
    qdq = lambda s, z: [helper.make_node("QuantizeLinear", ["x", s, z], ["xq"], name="q"),
                        helper.make_node("DequantizeLinear", ["xq", s, z], ["y"], name="dq")]
    error("qdq_per_axis_activation", qdq("s", "z"), {"s": f32([0.1, 0.2, 0.3, 0.4]), "z": np.zeros(4, np.uint8)},
          [1, 4], "node 'q' (QuantizeLinear): per-axis quantization of an activation")
    error("qdq_output_quantized", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])],
          {"s": f32(0.1), "z": u8(3)}, [1, 4], "graph output 'y' is quantized")
    error("qdq_mismatched_pair", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
                                  helper.make_node("DequantizeLinear", ["xq", "s2", "z"], ["y"], name="dq")],
          {"s": f32(0.1), "s2": f32(0.2), "z": u8(3)}, [1, 4], "node 'dq' (DequantizeLinear): dequantizes with another")
    error("qdq_float_op_on_integers", [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
                                       helper.make_node("Relu", ["xq"], ["y"], name="relu")],
          {"s": f32(0.1), "z": u8(3)}, [1, 4], "node 'relu' (Relu): input 'xq' is a quantized (integer) tensor")
    w = np.ones((2, 3, 3, 3), np.int8)
    error("qdq_weights_per_input_channel",
          [helper.make_node("DequantizeLinear", ["wq", "sw", "zw"], ["w"], axis=1),
           helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], name="conv")],
          {"wq": w, "sw": f32([0.1, 0.2, 0.3]), "zw": np.zeros(3, np.int8)}, [1, 3, 5, 5],
          "node 'conv' (Conv): weights quantized per index of axis 1")
    error("qdq_int16_zero_point", qdq("s", "z"), {"s": f32(0.1), "z": scalar(0, np.int16)}, [1, 4],
          "zero point of element type")
    error("qlinear_conv_float_input",
          [helper.make_node("QLinearConv", ["x", "s", "z", "wq", "s", "z", "s", "z"], ["y"], name="qc")],
          {"s": f32(0.1), "z": u8(0), "wq": np.ones((2, 1, 1, 1), np.uint8)}, [1, 1, 4, 4],
          "node 'qc' (QLinearConv): input 0 must be a quantized activation")


def write(out, manifest, rng, batch):
    wr = Writer(out, manifest, rng, batch)
    qdq_conv_relu_gemm(wr, "qdq_int8_per_channel", np.int8, per_channel=True)
    qdq_conv_relu_gemm(wr, "qdq_uint8_per_tensor", np.uint8, per_channel=False, trans_b=0)
    qdq_conv_relu_gemm(wr, "qdq_uint8_asymmetric_weights", np.uint8, per_channel=False, weight_dtype=np.uint8,
                       weight_zero_point=128)
    qdq_conv_relu_gemm(wr, "qdq_weights_beyond_int8", np.int8, per_channel=True, weight_zero_point=20,
                       export_error="not their fixed scales times integers in [-128, 127]")
    qlinear_conv_matmul(wr, "qlinear_conv_matmul")
    qoperator_conv_pool_gemm(wr, "qoperator_conv_pool_qgemm")
    refusals(wr)
