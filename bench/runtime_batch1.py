"""The peers' side of bench/runtime_batch1.sh (run in its virtual environment).

Reads an fp32 model file that `mote export` wrote from a seed-network
checkpoint (batchnorm folded: CONV2D and DENSE ops with bias and ReLU), builds
the same network with the same weights as a Keras model (-> .tflite fp32 and
full-integer int8 through the TFLite converter, run by LiteRT with XNNPACK) and
as an ONNX graph (run by onnxruntime), checks that every one agrees with mote's
outputs on the given images, and times one-image inference of each (one
thread). Prints one JSON object.

  runtime_batch1.py MODEL.mote IMAGES.npy MOTE_OUTPUTS.npy WORKDIR MIN_SECONDS [ROUNDS [-- MOTE_COMMAND...]]

With a MOTE_COMMAND (`mote bench runtime ... --json`), the timings run in
ROUNDS rounds (default 1), each that command (mote's models) and then every
peer, and each engine's fastest round counts:
a machine whose speed drifts from minute to minute then slows every engine
alike, not whichever ran during a slow minute. Its JSON (models of the best
round per model) goes under "mote".
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

# The model file's records (include/mote/model_format.h), little-endian.
HEADER = np.dtype([("magic", "<u4"), ("version", "<u4"), ("crc32", "<u4"), ("file_bytes", "<u4"),
                   ("header_bytes", "<u4"), ("tensor_count", "<u4"), ("tensor_table_offset", "<u4"),
                   ("op_count", "<u4"), ("op_table_offset", "<u4"), ("arena_bytes", "<u4"),
                   ("input_count", "<u2"), ("output_count", "<u2"), ("inputs", "<u2", 4),
                   ("outputs", "<u2", 4), ("flags", "<u4")])
TENSOR = np.dtype([("dtype", "u1"), ("kind", "u1"), ("rank", "u1"), ("reserved0", "u1"), ("dims", "<u4", 4),
                   ("offset", "<u4"), ("bytes", "<u4"), ("scale", "<f4"), ("zero_point", "<i4"),
                   ("reserved1", "<u4", 3)])
OP = np.dtype([("type", "<u2"), ("activation", "u1"), ("input_count", "u1"), ("inputs", "<u2", 4),
               ("output", "<u2"), ("reserved0", "<u2"), ("act_min", "<f4"), ("act_max", "<f4"),
               ("scratch_offset", "<u4"), ("scratch_bytes", "<u4"), ("params", "<i4", 8)])
OP_CONV2D, OP_DENSE, OP_RESHAPE = 1, 3, 9
DTYPE_F32, KIND_CONSTANT = 0, 1


def read_layers(path):
    """[(kind, weights, bias, params, relu)] of the fp32 model's ops, in order."""
    data = open(path, "rb").read()
    header = np.frombuffer(data, HEADER, 1)[0]
    tensors = np.frombuffer(data, TENSOR, int(header["tensor_count"]), int(header["tensor_table_offset"]))
    ops = np.frombuffer(data, OP, int(header["op_count"]), int(header["op_table_offset"]))

    def constant(i):
        t = tensors[i]
        if t["kind"] != KIND_CONSTANT or t["dtype"] != DTYPE_F32:
            sys.exit("runtime_batch1.py: expected an fp32 constant (export without --int8)")
        dims = [int(d) for d in t["dims"][: int(t["rank"])]]
        return np.frombuffer(data, "<f4", int(np.prod(dims)), int(t["offset"])).reshape(dims)

    layers = []
    for op in ops:
        relu = bool(op["act_min"] == 0.0)
        if op["type"] == OP_CONV2D:
            layers.append(("conv", constant(op["inputs"][0 + 1]), constant(op["inputs"][2]),
                           [int(p) for p in op["params"][:6]], relu))
        elif op["type"] == OP_DENSE:
            layers.append(("dense", constant(op["inputs"][1]), constant(op["inputs"][2]), None, relu))
        elif op["type"] != OP_RESHAPE:
            sys.exit("runtime_batch1.py: op type %d is not part of the seed network" % op["type"])
    return layers


def keras_model(layers):
    import tensorflow as tf
    inputs = tf.keras.Input((28, 28, 1), batch_size=1)
    x = inputs
    for kind, w, b, p, relu in layers:
        act = "relu" if relu else None
        if kind == "conv":  # [Cout][kh][kw][Cin] -> [kh][kw][Cin][Cout]; SAME padding as mote's
            layer = tf.keras.layers.Conv2D(w.shape[0], (p[0], p[1]), strides=(p[2], p[3]), padding="same",
                                           activation=act)
            x = layer(x)
            layer.set_weights([w.transpose(1, 2, 3, 0), b])
        else:  # mote flattens HWC like Keras
            x = tf.keras.layers.Flatten()(x) if len(x.shape) > 2 else x
            layer = tf.keras.layers.Dense(w.shape[0], activation=act)
            x = layer(x)
            layer.set_weights([w.T, b])
    return tf.keras.Model(inputs, x)


def tflite_models(model, calibration, workdir):
    import tensorflow as tf
    paths = {}
    for name in ("fp32", "int8"):
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        if name == "int8":  # full integer ops, float input and output (as mote's int8 model)
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = lambda: ([x[None]] for x in calibration)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        path = os.path.join(workdir, "seed_%s.tflite" % name)
        with open(path, "wb") as f:
            f.write(converter.convert())
        paths[name] = path
    return paths


def onnx_model(layers, workdir):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    nodes, inits = [], []
    x, h, w_in = "image", 28, 28
    # NHWC input as mote's; one transpose to ONNX's NCHW.
    nodes.append(helper.make_node("Transpose", [x], ["nchw"], perm=[0, 3, 1, 2]))
    x = "nchw"
    for i, (kind, w, b, p, relu) in enumerate(layers):
        wn, bn, y = "w%d" % i, "b%d" % i, "y%d" % i
        if kind == "conv":
            kh, kw, sh, sw, pt, pl = p
            oh, ow = -(-h // sh), -(-w_in // sw)
            pb = max((oh - 1) * sh + kh - h, 0) - pt
            pr = max((ow - 1) * sw + kw - w_in, 0) - pl
            inits.append(numpy_helper.from_array(np.ascontiguousarray(w.transpose(0, 3, 1, 2)), wn))
            inits.append(numpy_helper.from_array(b.copy(), bn))
            nodes.append(helper.make_node("Conv", [x, wn, bn], [y], kernel_shape=[kh, kw], strides=[sh, sw],
                                          pads=[pt, pl, pb, pr]))
            h, w_in, channels = oh, ow, w.shape[0]
        else:
            if h is not None:  # mote's HWC flatten order = ONNX's after a transpose back to NHWC
                nodes.append(helper.make_node("Transpose", [x], [y + "_nhwc"], perm=[0, 2, 3, 1]))
                nodes.append(helper.make_node("Flatten", [y + "_nhwc"], [y + "_flat"]))
                x, h = y + "_flat", None
            inits.append(numpy_helper.from_array(np.ascontiguousarray(w.T), wn))
            inits.append(numpy_helper.from_array(b.copy(), bn))
            nodes.append(helper.make_node("Gemm", [x, wn, bn], [y]))
        if relu:
            nodes.append(helper.make_node("Relu", [y], [y + "_relu"]))
            y += "_relu"
        x = y
    graph = helper.make_graph(nodes, "seed", [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 28, 28, 1])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    path = os.path.join(workdir, "seed_fp32.onnx")
    onnx.save(model, path)
    return path


def time_calls(fn, min_seconds):
    """Best and median seconds per call over short batches (as `mote bench`)."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    reps = max(1, int(min(min_seconds / 10.0, 0.005) / max(first, 1e-7)))
    per_call, total = [], 0.0
    while total < min_seconds or len(per_call) < 20:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        dt = time.perf_counter() - t0
        total += dt
        per_call.append(dt / reps)
    per_call.sort()
    return per_call[0], per_call[len(per_call) // 2]


def main():
    model_path, images_path, mote_out_path, workdir, min_seconds = sys.argv[1:6]
    min_seconds = float(min_seconds)
    rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    mote_command = sys.argv[8:] if len(sys.argv) > 8 and sys.argv[7] == "--" else []
    images = np.load(images_path).astype(np.float32).reshape(-1, 28, 28, 1)
    mote_outputs = np.load(mote_out_path).astype(np.float32)
    layers = read_layers(model_path)
    keras = keras_model(layers)
    keras_out = keras.predict(images, verbose=0)
    paths = tflite_models(keras, images, workdir)
    paths["onnx"] = onnx_model(layers, workdir)

    from ai_edge_litert.interpreter import Interpreter
    import onnxruntime as ort
    runners, report = {}, {}
    for name in ("fp32", "int8"):
        interp = Interpreter(model_path=paths[name], num_threads=1)
        interp.allocate_tensors()
        inp, out = interp.get_input_details()[0], interp.get_output_details()[0]

        def run(x, interp=interp, inp=inp, out=out):
            interp.set_tensor(inp["index"], x)
            interp.invoke()
            return interp.get_tensor(out["index"])
        runners["litert_" + name] = run
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(paths["onnx"], options, providers=["CPUExecutionProvider"])
    runners["onnxruntime"] = lambda x: session.run(None, {"image": x})[0]

    # Same weights: every peer's classes agree with mote's on the images.
    scale = float(np.abs(mote_outputs).max()) or 1.0
    report["keras_max_diff"] = float(np.abs(keras_out - mote_outputs).max() / scale)
    for name, run in runners.items():
        outs = np.concatenate([run(x[None]) for x in images])
        report[name + "_agree"] = float(np.mean(outs.argmax(1) == mote_outputs.argmax(1)))
        report[name + "_max_diff"] = float(np.abs(outs - mote_outputs).max() / scale)
    x = images[:1].copy()
    for _ in range(rounds):
        if mote_command:
            models = json.loads(subprocess.run(mote_command, check=True, capture_output=True,
                                               text=True).stdout.strip().splitlines()[-1])
            if "mote" not in report:
                report["mote"] = models
            else:
                for i, model in enumerate(models["models"]):
                    if model["best_us"] < report["mote"]["models"][i]["best_us"]:
                        report["mote"]["models"][i] = model
        for name, run in runners.items():
            best, median = time_calls(lambda: run(x), min_seconds)
            if best * 1e6 < report.get(name + "_us", float("inf")):
                report[name + "_us"] = best * 1e6
                report[name + "_median_us"] = median * 1e6
    print(json.dumps(report))


if __name__ == "__main__":
    main()
