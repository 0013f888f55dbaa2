#include "mote/init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mote {
namespace {

InitSpec Spec(InitKind kind, float value = 0.0f, float gain = 1.0f, uint32_t k = 15) {
  InitSpec s;
  s.kind = kind;
  s.value = value;
  s.gain = gain;
  s.sparse_k = k;
  return s;
}

std::vector<float> Draw(const InitSpec& spec, size_t fan_in, size_t fan_out, size_t count, uint64_t seed = 1) {
  std::vector<float> w(count, -7.0f), scratch(InitScratchFloats(spec, fan_in, fan_out));
  Rng rng(seed);
  const Status s = InitializeParameter(spec, fan_in, fan_out, count, w.data(), rng, scratch.data());
  EXPECT_TRUE(s.ok()) << s.message();
  return w;
}

struct Moments {
  double mean, var, max_abs;
};
Moments Stats(const std::vector<float>& w) {
  double s = 0, s2 = 0, m = 0;
  for (float v : w) {
    s += v;
    s2 += double(v) * v;
    m = std::max(m, double(std::fabs(v)));
  }
  const double n = double(w.size());
  return {s / n, s2 / n - (s / n) * (s / n), m};
}

TEST(Init, Constants) {
  for (float v : Draw(Spec(InitKind::kZeros), 3, 4, 12)) EXPECT_EQ(v, 0.0f);
  for (float v : Draw(Spec(InitKind::kOnes), 3, 4, 12)) EXPECT_EQ(v, 1.0f);
  for (float v : Draw(Spec(InitKind::kConstant, 0.25f), 3, 4, 12)) EXPECT_EQ(v, 0.25f);
}

// Sample mean, variance and bound of each random kind over 60000 draws.
struct Case {
  InitKind kind;
  float value, gain;
  double variance;  // expected, for fan_in 200, fan_out 300
  double bound;     // 0 for normal kinds
};

TEST(Init, MomentsAndBoundsPerKind) {
  const size_t fan_in = 200, fan_out = 300, n = fan_in * fan_out;
  const double glorot_b = std::sqrt(6.0 / 500), he_b = std::sqrt(6.0 / 200), fan_b = 1 / std::sqrt(200.0);
  const Case cases[] = {
      {InitKind::kUniformFanIn, 0, 1, fan_b * fan_b / 3, fan_b},
      {InitKind::kGlorotUniform, 0, 1, glorot_b * glorot_b / 3, glorot_b},
      {InitKind::kGlorotUniform, 0, 2, 4 * glorot_b * glorot_b / 3, 2 * glorot_b},
      {InitKind::kGlorotNormal, 0, 1, 2.0 / 500, 0},
      {InitKind::kGlorotNormal, 0, 0.5f, 0.25 * 2.0 / 500, 0},
      {InitKind::kHeUniform, 0, 1, he_b * he_b / 3, he_b},
      {InitKind::kHeNormal, 0, 1, 2.0 / 200, 0},
      {InitKind::kHeNormal, 0, std::sqrt(2.0f), 4.0 / 200, 0},
      {InitKind::kScaledNormal, 3.0f, 1, 9.0 / 200, 0},
      {InitKind::kScaledNormal, 0.0f, 1, 1.0 / 200, 0},  // C = 1 when value is 0
  };
  for (const Case& c : cases) {
    const std::vector<float> w = Draw(Spec(c.kind, c.value, c.gain), fan_in, fan_out, n);
    const Moments m = Stats(w);
    SCOPED_TRACE(testing::Message() << "kind " << int(c.kind) << " gain " << c.gain << " value " << c.value);
    const double sd = std::sqrt(c.variance);
    EXPECT_NEAR(m.mean, 0.0, 5 * sd / std::sqrt(double(n)));
    EXPECT_NEAR(m.var / c.variance, 1.0, 0.03);
    if (c.bound > 0) {
      EXPECT_LE(m.max_abs, c.bound);
      EXPECT_GT(m.max_abs, 0.999 * c.bound);
    } else {
      // Normal: some draws beyond 3 sd, none beyond 6.
      EXPECT_GT(m.max_abs, 3 * sd);
      EXPECT_LT(m.max_abs, 6 * sd);
    }
  }
}

TEST(Init, GlorotUniformUsesSqrtOfSixNotSixOverSqrt) {
  // The misprinted 6 / sqrt(m + n) would give bound 6 / sqrt(8) ~ 2.1 here.
  const std::vector<float> w = Draw(Spec(InitKind::kGlorotUniform), 3, 5, 20000);
  EXPECT_LE(Stats(w).max_abs, std::sqrt(6.0 / 8));
  EXPECT_GT(Stats(w).max_abs, 0.99 * std::sqrt(6.0 / 8));
}

// Max |(W W^T)_ij - gain^2 delta_ij| over rows (or columns when transposed).
double OrthoError(const std::vector<float>& w, size_t rows, size_t cols, float gain, bool by_columns) {
  const size_t vectors = by_columns ? cols : rows, len = by_columns ? rows : cols;
  auto at = [&](size_t v, size_t k) { return double(by_columns ? w[k * cols + v] : w[v * cols + k]); };
  double err = 0;
  for (size_t i = 0; i < vectors; ++i)
    for (size_t j = 0; j < vectors; ++j) {
      double dot = 0;
      for (size_t k = 0; k < len; ++k) dot += at(i, k) * at(j, k);
      err = std::max(err, std::fabs(dot - (i == j ? double(gain) * gain : 0.0)));
    }
  return err;
}

TEST(Init, OrthogonalRowsWhenWide) {
  // [fan_out = 5 x fan_in = 8]: W W^T = gain^2 I.
  const std::vector<float> w = Draw(Spec(InitKind::kOrthogonal, 0, 1.5f), 8, 5, 40);
  EXPECT_LT(OrthoError(w, 5, 8, 1.5f, false), 1e-5);
}

TEST(Init, OrthogonalColumnsWhenTall) {
  // [fan_out = 9 x fan_in = 4]: the 4 columns are orthonormal (W^T W = gain^2 I).
  const std::vector<float> w = Draw(Spec(InitKind::kOrthogonal, 0, 2.0f), 4, 9, 36);
  EXPECT_LT(OrthoError(w, 9, 4, 2.0f, true), 1e-5);
}

TEST(Init, OrthogonalSquareAndLarge) {
  const std::vector<float> w = Draw(Spec(InitKind::kOrthogonal), 64, 64, 64 * 64);
  EXPECT_LT(OrthoError(w, 64, 64, 1.0f, false), 2e-6 * 64);
  EXPECT_LT(OrthoError(w, 64, 64, 1.0f, true), 2e-6 * 64);
}

TEST(Init, OrthogonalConvWeightsUseCountOverFanIn) {
  // Conv 3x3, 2 -> 4 channels: [4][3][3][2], fan_in 18, fan_out 4 * 9 = 36;
  // the matrix is [4 x 18] with orthonormal rows.
  const std::vector<float> w = Draw(Spec(InitKind::kOrthogonal), 18, 36, 4 * 18);
  EXPECT_LT(OrthoError(w, 4, 18, 1.0f, false), 1e-5);
}

TEST(Init, SparseHasExactlyKNonZerosPerRow) {
  const size_t fan_in = 50, units = 40;
  for (float value : {0.0f, 0.5f}) {
    const std::vector<float> w = Draw(Spec(InitKind::kSparse, value, 1.0f, 15), fan_in, units, fan_in * units);
    std::vector<float> nonzero;
    bool rows_differ = false;
    for (size_t r = 0; r < units; ++r) {
      size_t count = 0;
      for (size_t c = 0; c < fan_in; ++c) {
        const float v = w[r * fan_in + c];
        if (v != 0.0f) {
          ++count;
          nonzero.push_back(v);
        }
        if (r > 0 && (v != 0.0f) != (w[c] != 0.0f)) rows_differ = true;
      }
      EXPECT_EQ(count, 15u) << "row " << r;
    }
    EXPECT_TRUE(rows_differ);
    const double sd = value == 0.0f ? 1.0 : 0.5;  // N(0, value^2), 1 when value is 0
    EXPECT_NEAR(std::sqrt(Stats(nonzero).var) / sd, 1.0, 0.1);
  }
}

TEST(Init, SparsePositionsAreUniform) {
  const size_t fan_in = 10, units = 10000;
  const std::vector<float> w = Draw(Spec(InitKind::kSparse, 0, 1, 3), fan_in, units, fan_in * units);
  for (size_t c = 0; c < fan_in; ++c) {
    size_t hits = 0;
    for (size_t r = 0; r < units; ++r) hits += w[r * fan_in + c] != 0.0f;
    EXPECT_NEAR(double(hits), 3000.0, 5 * std::sqrt(3000.0 * 0.7)) << c;
  }
}

TEST(Init, SparseKLargerThanFanInFillsTheRow) {
  const std::vector<float> w = Draw(Spec(InitKind::kSparse, 0, 1, 15), 6, 3, 18);
  for (float v : w) EXPECT_NE(v, 0.0f);
}

TEST(Init, DeterministicFromSeed) {
  for (InitKind kind : {InitKind::kGlorotUniform, InitKind::kHeNormal, InitKind::kOrthogonal, InitKind::kSparse}) {
    const InitSpec s = Spec(kind, 0, 1, 4);
    EXPECT_EQ(Draw(s, 12, 8, 96, 42), Draw(s, 12, 8, 96, 42)) << int(kind);
    EXPECT_NE(Draw(s, 12, 8, 96, 42), Draw(s, 12, 8, 96, 43)) << int(kind);
  }
}

TEST(Init, ScratchFloats) {
  EXPECT_EQ(InitScratchFloats(Spec(InitKind::kOrthogonal), 7, 5), 35u);
  EXPECT_EQ(InitScratchFloats(Spec(InitKind::kGlorotUniform), 7, 5), 0u);
  EXPECT_EQ(InitScratchFloats(Spec(InitKind::kSparse), 7, 5), 0u);
}

TEST(Init, RejectsBadArguments) {
  Rng rng(1);
  std::vector<float> w(64), scratch(64);
  auto code = [&](const InitSpec& s, size_t fan_in, size_t fan_out, size_t count, float* dst = nullptr,
                  bool with_scratch = true) {
    return InitializeParameter(s, fan_in, fan_out, count, dst ? dst : w.data(), rng,
                               with_scratch ? scratch.data() : nullptr)
        .code();
  };
  const StatusCode bad = StatusCode::kInvalidArgument;
  EXPECT_EQ(code(Spec(InitKind::kUniformFanIn), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kHeUniform), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kHeNormal), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kScaledNormal), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kGlorotUniform), 0, 0, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kGlorotNormal), 0, 0, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kGlorotUniform), 4, 4, 0), bad);
  EXPECT_EQ(InitializeParameter(Spec(InitKind::kZeros), 4, 4, 16, nullptr, rng, nullptr).code(), bad);
  EXPECT_EQ(code(Spec(InitKind::kGlorotUniform, 0, std::nanf("")), 4, 4, 16), bad);
  EXPECT_EQ(code(Spec(InitKind::kConstant, INFINITY), 4, 4, 16), bad);
  EXPECT_EQ(code(Spec(InitKind::kOrthogonal), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kOrthogonal), 5, 4, 12), bad);             // not a multiple of fan_in
  EXPECT_EQ(code(Spec(InitKind::kOrthogonal), 4, 2, 16), bad);             // more rows than fan_out
  EXPECT_EQ(code(Spec(InitKind::kOrthogonal), 4, 4, 16, nullptr, false), bad);  // no scratch
  EXPECT_EQ(code(Spec(InitKind::kSparse, 0, 1, 0), 4, 4, 16), bad);
  EXPECT_EQ(code(Spec(InitKind::kSparse), 5, 4, 12), bad);
  EXPECT_EQ(code(Spec(InitKind::kSparse), 0, 4, 4), bad);
  EXPECT_EQ(code(Spec(InitKind::kGlorotUniform), 4, 4, 16), StatusCode::kOk);
  EXPECT_EQ(code(Spec(InitKind::kOrthogonal), 4, 4, 16), StatusCode::kOk);
  InitSpec block = Spec(InitKind::kConstantBlock, 1.0f);
  block.block_begin = 3;
  block.block_end = 17;  // past the end
  EXPECT_EQ(code(block, 1, 16, 16), bad);
  block.block_begin = 5;
  block.block_end = 4;
  EXPECT_EQ(code(block, 1, 16, 16), bad);
}

TEST(InitTest, ConstantBlockSetsOnlyTheBlock) {
  InitSpec spec = Spec(InitKind::kConstantBlock, 1.5f);
  spec.block_begin = 4;
  spec.block_end = 8;
  const std::vector<float> w = Draw(spec, 1, 16, 16);
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(w[i], (i >= 4 && i < 8) ? 1.5f : 0.0f) << i;
}

}  // namespace
}  // namespace mote
