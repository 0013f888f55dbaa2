#!/usr/bin/python3
"""The seed network (mote::BuildSeedNetwork) in PyTorch, trained like examples/fashion_mnist.cpp
(same data, batch 50, SGD lr 0.02 momentum 0.9 Nesterov, BN momentum 0.99
in Keras terms = 0.01 in PyTorch terms, eps 1e-3), for a same-run comparison.

Run pinned to one core:  OMP_NUM_THREADS=1 taskset -c 0 /usr/bin/python3 bench/models/pytorch_fashion_mnist.py --epochs 1
(--threads N sets torch's intra-op threads; by default OMP_NUM_THREADS decides.)
Prints one JSON line: {"framework":"pytorch","seconds_per_epoch":..,"test_accuracy":..,...}
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn


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
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # NCHW
    return x, torch.from_numpy(labels.astype(np.int64))


def seed_network():
    def conv(cin, cout, stride):
        # "same" padding for 5x5: TensorFlow pads 1 before / 2 after at stride 2;
        # PyTorch pads symmetrically, which gives the same output size with padding=2.
        return nn.Conv2d(cin, cout, 5, stride=stride, padding=2, bias=False)

    bn = dict(momentum=0.01, eps=1e-3)
    return nn.Sequential(
        conv(1, 10, 2), nn.BatchNorm2d(10, **bn), nn.ReLU(),
        conv(10, 40, 2), nn.BatchNorm2d(40, **bn), nn.ReLU(),
        conv(40, 80, 1), nn.BatchNorm2d(80, **bn), nn.ReLU(),
        nn.Flatten(), nn.Linear(80 * 7 * 7, 50, bias=False), nn.BatchNorm1d(50, **bn), nn.ReLU(),
        nn.Linear(50, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--train-limit", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    model = seed_network()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    batch = 50
    epoch_seconds = []
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train))
        start = time.perf_counter()
        for i in range(0, len(x_train), batch):
            idx = order[i:i + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x_test), 500):
            correct += (model(x_test[i:i + 500]).argmax(1) == y_test[i:i + 500]).sum().item()
    print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "epochs": args.epochs, "seconds_per_epoch": sum(epoch_seconds) / len(epoch_seconds),
                      "test_accuracy": correct / len(x_test), "train_examples": len(x_train)}))


if __name__ == "__main__":
    main()
