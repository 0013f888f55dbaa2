#!/usr/bin/env bash
# Installs everything mote needs on Debian 12 (bookworm): the native toolchain
# and libraries, the aarch64 cross toolchain + qemu-user + arm64 multiarch
# libraries, and the Cortex-M toolchain + qemu-system-arm. Idempotent: only
# missing packages are installed, and apt-get update runs only then, so a
# second run takes well under a second. Run as root (or via sudo).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# Native build, tests, benchmarks, CLI; Fashion-MNIST is the default real data set
# (/usr/share/datasets/fashion-mnist, read by mote::LoadFashionMnist).
native_pkgs=(meson ninja-build pkg-config g++ python3
  libhwy-dev libxsimd-dev libgtest-dev libgmock-dev libbenchmark-dev libopenblas-dev zlib1g-dev
  libtomlplusplus-dev libzip-dev dataset-fashion-mnist)
# ONNX import / export (src/onnx, optional: `mote import`, `mote export --onnx`):
# libonnx-dev's generated onnx-ml.pb.h and libonnx_proto on protobuf. The tests
# write and check ONNX files with python3-onnx; the acceptance check
# (test/onnx/pytorch_seed_check.py) trains in python3-torch.
onnx_pkgs=(libonnx-dev libprotobuf-dev python3-onnx python3-torch)
# The sanitizer and fuzzing stage: clang with its sanitizer and libFuzzer runtimes.
sanitize_pkgs=(clang libclang-rt-dev)
# 32-bit x86 build (size_t of 32 bits), run natively, and its i386 multiarch libraries.
i686_pkgs=(g++-i686-linux-gnu)
i386_pkgs=(libgtest-dev:i386 zlib1g-dev:i386 libzip-dev:i386)
# aarch64 Linux cross build, run under qemu-user.
a64_pkgs=(g++-aarch64-linux-gnu qemu-user)
# arm64 multiarch libraries the cross build links against.
arm64_pkgs=(libhwy-dev:arm64 libxsimd-dev:arm64 libgtest-dev:arm64 zlib1g-dev:arm64 libzip-dev:arm64)
# Cortex-M bare metal (every ports/cortex-m* port), run under qemu-system-arm. No
# newlib on purpose: the firmware links with -nostdlib and ports/cortex-m/port.c
# and fmaf.c supply memcpy/memset and fmaf.
m4_pkgs=(gcc-arm-none-eabi libstdc++-arm-none-eabi-dev qemu-system-arm)

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -E); else
    echo "setup-debian.sh: run as root (or install sudo)" >&2; exit 1
  fi
fi

installed() {  # true when package $1 (pkg or pkg:arch) is fully installed
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

missing=()
for p in "${native_pkgs[@]}" "${onnx_pkgs[@]}" "${sanitize_pkgs[@]}" "${i686_pkgs[@]}" "${a64_pkgs[@]}" "${m4_pkgs[@]}" \
         "${arm64_pkgs[@]}" "${i386_pkgs[@]}"; do
  installed "$p" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-debian.sh: all packages present"
  exit 0
fi
echo "setup-debian.sh: installing ${missing[*]}"

# arm64 and i386 packages need their foreign architectures registered first.
for arch in arm64 i386; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    "${SUDO[@]}" dpkg --add-architecture "$arch"
  fi
done
# Refresh the lists only on this slow path (a fresh image may have none).
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "setup-debian.sh: done"
