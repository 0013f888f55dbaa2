"""The seed network (mote::BuildSeedNetwork) in Keras on TensorFlow, trained like
examples/fashion_mnist.cpp (same data, batch 50, SGD lr 0.02 momentum 0.9
Nesterov, BN momentum 0.99, epsilon 1e-3, softmax cross-entropy on logits),
for a same-run comparison. Needs tensorflow-cpu from PyPI: run it with the
Python of the virtual environment bench/side_by_side.sh creates.

  taskset -c 0 build/peers-venv/bin/python bench/models/keras_fashion_mnist.py --threads 1
Prints one JSON line: {"framework":"keras","seconds_per_epoch":..,"test_accuracy":..,...}
The timed epochs follow one untimed warm-up batch (tracing and XLA compilation).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    _, dtype, rank = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(directory, prefix):
    images = read_idx(os.path.join(directory, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz"))
    return (images.astype(np.float32) / 255.0)[..., None], labels.astype(np.int32)  # NHWC


def seed_network(keras):
    layers = keras.layers

    def conv(filters, stride):
        return layers.Conv2D(filters, 5, strides=stride, padding="same", use_bias=False)

    def bn():
        return layers.BatchNormalization(momentum=0.99, epsilon=1e-3)

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        conv(10, 2), bn(), layers.ReLU(),
        conv(40, 2), bn(), layers.ReLU(),
        conv(80, 1), bn(), layers.ReLU(),
        layers.Flatten(), layers.Dense(50, use_bias=False), bn(), layers.ReLU(),
        layers.Dense(10)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--train-limit", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    import keras
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(1)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    model = seed_network(keras)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02, momentum=0.9, nesterov=True),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x_train[:50], y_train[:50], batch_size=50, epochs=1, verbose=0)  # warm-up: trace and compile

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    timer = EpochTimer()
    model.fit(x_train, y_train, batch_size=50, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer])
    _, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    print(json.dumps({"framework": "keras", "version": keras.__version__, "tensorflow": tf.__version__,
                      "threads": args.threads, "epochs": args.epochs,
                      "seconds_per_epoch": sum(timer.seconds) / len(timer.seconds),
                      "test_accuracy": float(accuracy), "train_examples": len(x_train)}))


if __name__ == "__main__":
    main()
