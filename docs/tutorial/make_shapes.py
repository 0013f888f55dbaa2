#!/usr/bin/env python3
"""Writes the tutorial's data set: 16x16 grey images of four shapes
(0 horizontal bar, 1 vertical bar, 2 square outline, 3 diagonal cross) at
random sizes and places, with noise, as CSV: the label, then 256 pixels 0..255.

    make_shapes.py OUT_DIR [TRAIN_ITEMS] [TEST_ITEMS]

writes OUT_DIR/shapes-train.csv and OUT_DIR/shapes-test.csv (a header line
"label,p0,...,p255"). Deterministic (fixed seeds); Python's standard library only.
"""
import os
import random
import sys

SIZE = 16


def draw(kind, rng):
    img = [[0.0] * SIZE for _ in range(SIZE)]
    n = rng.randint(6, 12)                     # extent of the shape
    r0 = rng.randint(0, SIZE - n)
    c0 = rng.randint(0, SIZE - n)
    ink = rng.uniform(0.55, 1.0)
    width = rng.choice((1, 2))

    def put(r, c):
        if 0 <= r < SIZE and 0 <= c < SIZE:
            img[r][c] = ink

    if kind == 0:
        r = r0 + n // 2
        for c in range(c0, c0 + n):
            for w in range(width):
                put(r + w, c)
    elif kind == 1:
        c = c0 + n // 2
        for r in range(r0, r0 + n):
            for w in range(width):
                put(r, c + w)
    elif kind == 2:
        for i in range(n):
            put(r0, c0 + i)
            put(r0 + n - 1, c0 + i)
            put(r0 + i, c0)
            put(r0 + i, c0 + n - 1)
    else:
        for i in range(n):
            put(r0 + i, c0 + i)
            put(r0 + i, c0 + n - 1 - i)
    noise = rng.uniform(0.05, 0.25)
    return [min(255, max(0, round(255 * (v + rng.gauss(0, noise))))) for row in img for v in row]


def write(path, items, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("label," + ",".join("p%d" % i for i in range(SIZE * SIZE)) + "\n")
        for i in range(items):
            kind = i % 4 if i < 4 else rng.randrange(4)
            f.write("%d,%s\n" % (kind, ",".join(str(p) for p in draw(kind, rng))))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    train = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    test = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "shapes-train.csv"), train, 1)
    write(os.path.join(out, "shapes-test.csv"), test, 2)


if __name__ == "__main__":
    main()
