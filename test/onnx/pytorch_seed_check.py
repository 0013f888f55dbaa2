#!/usr/bin/python3
"""Issue 17's acceptance check of the ONNX importer, CLI commands only:

  pytorch_seed_check.py MOTE WORK_DIR [M4_BUILD_DIR]

(MOTE_REUSE_TORCH=1 reuses WORK_DIR's seed.onnx and PyTorch logits of an
earlier run instead of training again.)

1. the seed network (models/seed.toml: three 5x5 convs of 10, 40, 80 filters,
   each with batchnorm and ReLU, dense 50 + batchnorm + ReLU, dense 10) defined
   and trained in PyTorch for a few hundred steps on Fashion-MNIST, exported
   with torch.onnx.export (batchnorm kept: TrainingMode.PRESERVE);
2. `mote import` to a checkpoint and to a .mote; `mote predict --input
   X.npy --output Y.npy` of both on the 10k test images (the .mote on
   PyTorch's float32 input tensor) against PyTorch's logits (argmax agreement, max
   |logit difference|); the .mote is also checked byte for byte against
   `mote export` of the checkpoint;
3. the Cortex-M4 firmware under QEMU (ports/cortex-m/run-model.sh) on 50
   test images: the board's argmax agrees with the host's (skipped, saying
   so, without the arm-none-eabi toolchain or QEMU);
4. `mote train` of the imported checkpoint (fine-tuning): held-out loss
   down, accuracy up; `mote export --int8`: accuracy drop in points.

Ends with one JSON line of the figures; exits 1 when a bound does not hold
(agreement 100 %, max |diff| <= 1e-4, board agreement 100 %, loss down,
accuracy up, int8 drop <= 0.5 points).
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

MOTE, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
M4_BUILD = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else os.path.join(WORK, "m4")
DATA = "/usr/share/datasets/fashion-mnist"
SCALE = np.float32(1.0 / 255.0)  # mote: x * scale in one rounding (fmaf(x, scale, 0)), the same float32 product
STEPS, BATCH = 300, 64
os.makedirs(WORK, exist_ok=True)
os.chdir(WORK)
t_start = time.time()
torch.manual_seed(1)
torch.set_num_threads(2)


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


train_x, train_y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
test_x, test_y = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
as_input = lambda x: torch.from_numpy(x.astype(np.float32)[:, None] * SCALE)  # NCHW, C = 1

# The seed network; padding 2 on each side gives the sizes of seed.toml's "same" (28 -> 14 -> 7 -> 7).
reuse = os.environ.get("MOTE_REUSE_TORCH") == "1" and os.path.exists("torch_logits.npy")
net = nn.Sequential(
    nn.Conv2d(1, 10, 5, stride=2, padding=2, bias=False), nn.BatchNorm2d(10), nn.ReLU(),
    nn.Conv2d(10, 40, 5, stride=2, padding=2, bias=False), nn.BatchNorm2d(40), nn.ReLU(),
    nn.Conv2d(40, 80, 5, padding=2, bias=False), nn.BatchNorm2d(80), nn.ReLU(),
    nn.Flatten(), nn.Linear(80 * 7 * 7, 50, bias=False), nn.BatchNorm1d(50), nn.ReLU(), nn.Linear(50, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
rng = np.random.default_rng(1)
net.train()
for step in range(0 if reuse else STEPS):
    i = rng.integers(0, len(train_x), BATCH)
    loss = nn.functional.cross_entropy(net(as_input(train_x[i])), torch.from_numpy(train_y[i].astype(np.int64)))
    opt.zero_grad()
    loss.backward()
    opt.step()
net.eval()
if reuse:
    torch_logits = np.load("torch_logits.npy")
else:
    with torch.no_grad():
        torch_logits = torch.cat([net(as_input(test_x[i:i + 1000])) for i in range(0, len(test_x), 1000)]).numpy()
    np.save("torch_logits.npy", torch_logits)
    # PRESERVE keeps the BatchNormalization nodes (EVAL would fold them into the convs).
    torch.onnx.export(net, as_input(test_x[:1]), "seed.onnx", opset_version=13, input_names=["image"],
                      output_names=["logits"], training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
torch_accuracy = float((torch_logits.argmax(1) == test_y).mean())
t_torch = time.time() - t_start

# Items as mote reads them: raw bytes, channels-last [N, 28, 28, 1] (for C = 1 the same order as NCHW),
# and PyTorch's own float32 input [N, 1, 28, 28].
np.save("X.npy", test_x[:, :, :, None])
np.save("X_torch.npy", as_input(test_x).numpy())


def mote(*args, json_line=True):
    r = subprocess.run([MOTE, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"mote {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1]) if json_line else r.stdout


scale = f"{float(SCALE):.17g}"
mote("import", "seed.onnx", "--out", "seed.ckpt", "--scale", scale)
mote("import", "seed.onnx", "--to-runtime", "--out", "seed.mote")
# The commands: the items alone in, a float32 .npy of logits out. The checkpoint reads the bytes
# (normalised by the --scale its import recorded), the .mote PyTorch's float32 tensor as it is.
mote("predict", "seed.ckpt", "--input", "X.npy", "--output", "ckpt.npy")
mote("predict", "seed.mote", "--input", "X_torch.npy", "--output", "mote.npy")
mote("export", "seed.ckpt", "--out", "exported.mote")
same_bytes = open("seed.mote", "rb").read() == open("exported.mote", "rb").read()


def logits(path):
    y = np.load(path)
    assert y.dtype == np.float32 and y.shape == (len(test_x), 10), (path, y.dtype, y.shape)
    return y.astype(np.float64)


figures = {"torch_steps": STEPS, "torch_accuracy": round(torch_accuracy, 4), "images": len(test_x)}
for name, path in [("library", "ckpt.npy"), ("runtime", "mote.npy")]:
    y = logits(path)
    figures[f"{name}_argmax_agreement"] = float((y.argmax(1) == torch_logits.argmax(1)).mean())
    figures[f"{name}_max_abs_diff"] = float(np.abs(y - torch_logits).max())
figures["import_to_runtime_equals_export"] = same_bytes

# The board: Cortex-M4 under QEMU, 50 images, argmax against the host library's outputs.
if shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm"):
    mote("export", "seed.ckpt", "--out", "m4.mote", "--c-array", "seed_f32", "--c-name", "mote_model_f32")
    mote("testset", "seed.ckpt", "--images", "50", "--out", "testset", json_line=False)
    r = subprocess.run([os.path.join(ROOT, "ports/cortex-m/run-model.sh"), "cortex-m4", M4_BUILD, "seed_f32.c",
                        "testset.c"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    board = [l for l in r.stdout.splitlines() if l.startswith("model fp32:")]
    if r.returncode != 0 or not board:
        sys.exit(f"run-model.sh failed ({r.returncode}):\n{r.stdout}")
    words = board[0].split()
    n, agree = int(words[words.index("images") + 1]), int(words[words.index("agree") + 1])
    figures["board_images"], figures["board_agreement"] = n, agree / n
else:
    print("board check skipped: no arm-none-eabi-gcc / qemu-system-arm")

# Fine-tuning in mote (SGD from the checkpoint's model file), then int8.
before = mote("evaluate", "seed.ckpt", "--data", "fashion-mnist:test")
mote("train", "seed.ckpt", "--data", "fashion-mnist:train", "--epochs", "1", "--max-batches", "400",
     "--checkpoint", "tuned.ckpt", "--quiet")
after = mote("evaluate", "tuned.ckpt", "--data", "fashion-mnist:test")
int8 = mote("export", "tuned.ckpt", "--int8", "--calibration", "fashion-mnist:train:1000", "--out", "tuned_i8.mote",
            "--evaluate", "fashion-mnist:test")
figures.update({
    "finetune_loss_before": before["loss"], "finetune_loss_after": after["loss"],
    "finetune_accuracy_before": before["accuracy"], "finetune_accuracy_after": after["accuracy"],
    "int8_fp32_accuracy": int8["host_accuracy"], "int8_accuracy": int8["exported_accuracy"],
    "int8_drop_points": round(100 * (int8["host_accuracy"] - int8["exported_accuracy"]), 2),
    "torch_seconds": round(t_torch, 1), "seconds": round(time.time() - t_start, 1),
})
checks = {
    "argmax agreement 100 %": figures["library_argmax_agreement"] == 1.0 and figures["runtime_argmax_agreement"] == 1.0,
    "max |logit diff| <= 1e-4": figures["library_max_abs_diff"] <= 1e-4 and figures["runtime_max_abs_diff"] <= 1e-4,
    "import --to-runtime == export of the checkpoint": same_bytes,
    "board agrees with the host": figures.get("board_agreement", 1.0) == 1.0,
    "fine-tuning: held-out loss down": after["loss"] < before["loss"],
    "fine-tuning: held-out accuracy up": after["accuracy"] > before["accuracy"],
    "int8 drop <= 0.5 points": figures["int8_drop_points"] <= 0.5,
}
for name, ok in checks.items():
    print(f"{'ok  ' if ok else 'FAIL'} {name}")
figures["passed"] = all(checks.values())
print(json.dumps(figures))
sys.exit(0 if figures["passed"] else 1)
