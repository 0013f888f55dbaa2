// F32Gemm: C = op(A) * op(B) at the seed network's GEMM shapes (batch 50).
#include <stdio.h>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

using mote::kernels::Transpose;

void GemmCase(const char* family, Transpose ta, Transpose tb, size_t m, size_t n, size_t k) {
  char shape[64];
  snprintf(shape, sizeof(shape), "%zux%zux%zu", m, n, k);
  RegisterPerVariant(family, shape, [=](benchmark::State& state) {
    const std::vector<float> a = RandomVector(m * k, 1);
    const std::vector<float> b = RandomVector(k * n, 2);
    std::vector<float> c(m * n);
    std::vector<float> workspace(mote::kernels::F32GemmWorkspaceFloats(m, n, k) + 1);
    const size_t lda = ta == Transpose::kNo ? k : m;
    const size_t ldb = tb == Transpose::kNo ? n : k;
    for (auto _ : state) {
      mote::kernels::F32Gemm(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, c.data(), n, false, workspace.data());
      benchmark::DoNotOptimize(c.data());
      benchmark::ClobberMemory();
    }
    SetGflops(state, 2.0 * double(m) * double(n) * double(k));
  });
}

}  // namespace

void RegisterGemmBenchmarks() {
  // C = A * B: a square reference and the network's forward GEMMs
  // (conv1..conv3 as im2col rows x C_out x patch, then the dense layer).
  const size_t nn[][3] = {{512, 512, 512}, {9800, 10, 25}, {2450, 40, 250}, {2450, 80, 1000}, {50, 50, 3920}};
  for (const auto& s : nn) GemmCase("f32_gemm", Transpose::kNo, Transpose::kNo, s[0], s[1], s[2]);
  // C = A * B^T: forward with weights stored [C_out][patch], as layers keep them.
  const size_t nt[][3] = {{9800, 10, 25}, {2450, 40, 250}, {2450, 80, 1000}, {50, 50, 3920}};
  for (const auto& s : nt) GemmCase("f32_gemm_nt", Transpose::kNo, Transpose::kYes, s[0], s[1], s[2]);
  // C = A^T * B: weight gradients dW[C_out x patch] = dY^T * columns.
  const size_t tn[][3] = {{10, 25, 9800}, {40, 250, 2450}, {80, 1000, 2450}, {50, 3920, 50}};
  for (const auto& s : tn) GemmCase("f32_gemm_tn", Transpose::kYes, Transpose::kNo, s[0], s[1], s[2]);
}

}  // namespace mote_bench
