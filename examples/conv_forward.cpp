// A convolution layer forward pass built from mote's kernels: im2col, GEMM and
// the fused per-channel epilogue (folded batchnorm + ReLU), checked against a
// direct convolution and timed on every backend this binary has.
//
//   build/examples/conv_forward            # default: 14x14x10 -> 7x7x40, 5x5, stride 2
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "mote/kernels.h"
#include "mote/rng.h"

namespace {

using mote::kernels::Conv2DGeometry;

// Reference: out[n, oy, ox, co] = sum over (ky, kx, ci) of in * w[co][ky][kx][ci].
void DirectConv(const Conv2DGeometry& g, size_t out_c, const float* in, const float* w, float* out) {
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox)
        for (size_t co = 0; co < out_c; ++co) {
          double sum = 0;
          for (size_t ky = 0; ky < g.kernel_h; ++ky)
            for (size_t kx = 0; kx < g.kernel_w; ++kx) {
              const long y = long(oy * g.stride_h + ky) - long(g.pad_top);
              const long x = long(ox * g.stride_w + kx) - long(g.pad_left);
              if (y < 0 || x < 0 || y >= long(g.in_h) || x >= long(g.in_w)) continue;
              for (size_t ci = 0; ci < g.in_c; ++ci)
                sum += double(in[((n * g.in_h + size_t(y)) * g.in_w + size_t(x)) * g.in_c + ci]) *
                       w[((co * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c + ci];
            }
          out[((n * g.out_h + oy) * g.out_w + ox) * out_c + co] = float(sum);
        }
}

}  // namespace

int main() {
  // Second conv of the seed network at batch 50: 14x14x10 -> 7x7x40, 5x5, stride 2, "same".
  const Conv2DGeometry g{50, 14, 14, 10, 5, 5, 2, 2, 1, 1, 7, 7};
  const size_t out_c = 40, rows = g.rows(), patch = g.patch_size();
  mote::Rng rng(7);
  std::vector<float> input(g.batch * g.in_h * g.in_w * g.in_c), weights(out_c * patch);
  std::vector<float> scale(out_c), shift(out_c);
  for (float& v : input) v = rng.Uniform(-1, 1);
  for (float& v : weights) v = rng.Normal(0, 0.1f);
  for (size_t c = 0; c < out_c; ++c) {
    scale[c] = rng.Uniform(0.5f, 1.5f);  // folded batchnorm: gamma / sqrt(var + eps)
    shift[c] = rng.Uniform(-0.1f, 0.1f);
  }
  // Every buffer is sized once, up front; the forward pass allocates nothing.
  std::vector<float> columns(rows * patch), output(rows * out_c), expected(rows * out_c);
  std::vector<float> workspace(mote::kernels::F32GemmWorkspaceFloats(rows, out_c, patch));

  DirectConv(g, out_c, input.data(), weights.data(), expected.data());
  for (size_t i = 0; i < expected.size(); ++i)
    expected[i] = std::fmax(0.0f, expected[i] * scale[i % out_c] + shift[i % out_c]);

  int failures = 0;
  for (const mote::Backend backend : {mote::Backend::kScalar, mote::Backend::kHwy, mote::Backend::kXsimd}) {
    if (!mote::SetBackend(backend).ok()) continue;
    const auto start = std::chrono::steady_clock::now();
    int reps = 0;
    do {
      mote::kernels::F32Im2Col(g, input.data(), 0, rows, columns.data());  // [rows, patch]
      // [rows, patch] x [out_c, patch]^T -> [rows, out_c]
      mote::kernels::F32Gemm(mote::kernels::Transpose::kNo, mote::kernels::Transpose::kYes, rows, out_c, patch,
                             columns.data(), patch, weights.data(), patch, output.data(), out_c, false,
                             workspace.data());
      mote::kernels::F32ChannelAffineClamp(rows, out_c, output.data(), scale.data(), shift.data(), 0.0f,
                                           INFINITY, output.data());
      ++reps;
    } while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / reps;
    float max_err = 0;
    for (size_t i = 0; i < output.size(); ++i) {
      const float err = std::fabs(output[i] - expected[i]);
      max_err = err > max_err ? err : max_err;
    }
    const bool ok = max_err < 1e-4;
    failures += !ok;
    std::printf("%-6s %-10s %8.3f ms/forward  %6.1f GFLOP/s  max|err| %.2e %s\n", mote::BackendName(backend),
                mote::BackendTarget(backend), seconds * 1e3, 2.0 * rows * out_c * patch / seconds * 1e-9, double(max_err),
                ok ? "ok" : "WRONG");
  }
  return failures == 0 ? 0 : 1;
}
