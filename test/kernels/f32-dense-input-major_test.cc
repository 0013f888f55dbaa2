// F32DenseInputMajor (one row against input-major weights, zero inputs
// skipped): scalar against F32DenseRows on the same weights transposed, then
// every SIMD path against scalar, on output counts around every vector
// block (1..4 vectors, partial last vectors), inputs across the index chunk
// (512), leading dimensions above the minimum, inputs with runs of zeros,
// and weights ending where an inaccessible page begins (a whole-vector read
// past the last row would fault). F32DenseInputMajorLanes: 1 on scalar, the
// vector width of each x86 instruction set.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllNear;
using testing::Buffer;
using testing::EndGuardedBuffer;
using testing::ScopedBackend;
using testing::SimdCases;

constexpr float kInfinity = std::numeric_limits<float>::infinity();

struct Shape {
  size_t n, k, ldw;
};

std::vector<Shape> Shapes() {
  std::vector<Shape> shapes;
  for (const size_t n : {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 50, 63, 64, 65, 100, 129})
    for (const size_t k : {0, 1, 2, 5, 31, 513, 1100}) shapes.push_back({n, k, n + (k % 2) * 3});
  shapes.push_back({50, 3920, 50});  // the seed network's dense1
  return shapes;
}

// x: uniform values, about half of them zero (a ReLU's output), some in runs.
Buffer Inputs(Rng& rng, size_t k) {
  Buffer x(k, 1);
  x.FillUniform(rng);
  for (size_t p = 0; p < k; ++p)
    if (x[p] < 0.0f || (p / 37) % 5 == 1) x[p] = 0.0f;
  return x;
}

struct Case {
  Shape s;
  Buffer x, bias;
  EndGuardedBuffer w;  // [k][ldw], the last row n floats
};

void Fill(Rng& rng, Case* c) {
  c->bias.FillUniform(rng);
  c->w.FillUniform(rng);
}

size_t WeightFloats(const Shape& s) { return s.k == 0 ? 0 : (s.k - 1) * s.ldw + s.n; }

void RunKernel(const Case& c, float lo, float hi, Buffer* y) {
  kernels::F32DenseInputMajor(c.s.n, c.s.k, c.x.data(), c.w.data(), c.s.ldw, c.bias.data(), lo, hi, y->data());
}

TEST(F32DenseInputMajorTest, ScalarMatchesDenseRowsOnTransposedWeights) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(31);
  for (const Shape& s : Shapes()) {
    SCOPED_TRACE("n " + std::to_string(s.n) + " k " + std::to_string(s.k) + " ldw " + std::to_string(s.ldw));
    Case c{s, Inputs(rng, s.k), Buffer(s.n, 2), EndGuardedBuffer(WeightFloats(s))};
    Fill(rng, &c);
    std::vector<float> rows(s.n * (s.k ? s.k : 1));
    for (size_t p = 0; p < s.k; ++p)
      for (size_t j = 0; j < s.n; ++j) rows[j * s.k + p] = c.w[p * s.ldw + j];
    Buffer want(s.n, 1), got(s.n, 3);
    kernels::F32DenseRows(1, s.n, s.k, c.x.data(), s.k, rows.data(), s.k, c.bias.data(), -0.5f, 2.0f, want.data(),
                          s.n);
    RunKernel(c, -0.5f, 2.0f, &got);
    ASSERT_TRUE(AllNear(want, got, 1e-5f, 1e-6f * float(s.k + 1)));
  }
}

TEST(F32DenseInputMajorTest, ZeroInputsReadNoWeights) {
  // NaN weights in the rows of zero inputs: a read of one would show.
  for (const auto& bc : testing::AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    const Shape s{33, 40, 33};
    Rng rng(33);
    Case c{s, Inputs(rng, s.k), Buffer(s.n, 2), EndGuardedBuffer(WeightFloats(s))};
    Fill(rng, &c);
    Buffer want(s.n, 1), got(s.n, 1);
    {
      ScopedBackend scalar_again(Backend::kScalar);
      RunKernel(c, -kInfinity, kInfinity, &want);
    }
    for (size_t p = 0; p < s.k; ++p)
      if (c.x[p] == 0.0f)
        for (size_t j = 0; j < s.n; ++j) c.w[p * s.ldw + j] = __builtin_nanf("");
    RunKernel(c, -kInfinity, kInfinity, &got);
    ASSERT_TRUE(AllNear(want, got, 1e-5f, 1e-5f));
  }
}

TEST(F32DenseInputMajorTest, EverySimdPathMatchesScalar) {
  Rng rng(32);
  for (const Shape& s : Shapes()) {
    Case c{s, Inputs(rng, s.k), Buffer(s.n, 2), EndGuardedBuffer(WeightFloats(s))};
    Fill(rng, &c);
    Buffer want(s.n, 1);
    {
      ScopedBackend scalar(Backend::kScalar);
      RunKernel(c, -0.5f, 2.0f, &want);
    }
    for (const auto& bc : SimdCases()) {
      SCOPED_TRACE(bc.name + " n " + std::to_string(s.n) + " k " + std::to_string(s.k));
      ScopedBackend backend(bc);
      Buffer got(s.n, 2);
      RunKernel(c, -0.5f, 2.0f, &got);
      ASSERT_TRUE(AllNear(want, got, 1e-5f, 1e-6f * float(s.k + 1)));
    }
  }
}

// The lanes Dense's Predict chooses its path by: 1 on the scalar backend,
// 16 floats on AVX-512, 8 on AVX2, 4 on SSE (names as Highway and xsimd give
// them); a power of two on any other target.
TEST(F32DenseInputMajorTest, LanesAreTheVectorWidth) {
  {
    ScopedBackend scalar(Backend::kScalar);
    EXPECT_EQ(kernels::F32DenseInputMajorLanes(), 1u);
  }
  for (const auto& bc : SimdCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    const size_t lanes = kernels::F32DenseInputMajorLanes();
    EXPECT_TRUE(lanes >= 1 && (lanes & (lanes - 1)) == 0) << lanes;
    auto named = [&](const char* part) { return bc.name.find(part) != std::string::npos; };
    if (named("AVX3") || named("avx512")) {
      EXPECT_EQ(lanes, 16u);
    } else if (named("AVX2") || named("avx2")) {
      EXPECT_EQ(lanes, 8u);
    } else if (named("SSE") || named("sse")) {
      EXPECT_EQ(lanes, 4u);
    }
  }
}

}  // namespace
}  // namespace mote
