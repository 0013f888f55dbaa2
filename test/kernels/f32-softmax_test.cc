// F32Softmax / F32LogSoftmax: hand-computed scalar results, then every SIMD
// path against the scalar reference (relative 1e-5: exp/log and the summation
// order differ) over column and row counts, misaligned buffers and in place.
#include <cmath>
#include <string>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllNear;
using testing::Buffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

TEST(F32SoftmaxTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  // Row 0: exponentials in ratio 1:2:3. Row 1: huge equal logits (the max is
  // subtracted, so no overflow). Row 2: one dominant logit.
  const float x[9] = {0.0f, std::log(2.0f), std::log(3.0f), 1000.0f, 1000.0f, 1000.0f,
                      0.0f, -200.0f,       -200.0f};
  float y[9];
  kernels::F32Softmax(3, 3, x, y);
  const float want[9] = {1.0f / 6, 2.0f / 6, 3.0f / 6, 1.0f / 3, 1.0f / 3, 1.0f / 3, 1.0f, 0.0f, 0.0f};
  EXPECT_TRUE(AllNear(want, y, 9, 1e-6f, 1e-7f));
  kernels::F32LogSoftmax(3, 3, x, y);
  const float want_log[9] = {std::log(1.0f / 6), std::log(2.0f / 6), std::log(3.0f / 6),
                             -std::log(3.0f),    -std::log(3.0f),    -std::log(3.0f),
                             0.0f,               -200.0f,            -200.0f};
  EXPECT_TRUE(AllNear(want_log, y, 3, 1e-6f, 1e-6f));
  EXPECT_TRUE(AllNear(want_log + 6, y + 6, 3, 1e-6f, 1e-6f));
  // Row 1 is 1000 - (1000 + log 3): exact up to an ulp of 1000 (6.1e-5).
  EXPECT_TRUE(AllNear(want_log + 3, y + 3, 3, 0.0f, 1e-4f));
  // One column: softmax is 1, log-softmax 0.
  const float one = 5.0f;
  float out = -1.0f;
  kernels::F32Softmax(1, 1, &one, &out);
  EXPECT_EQ(out, 1.0f);
  kernels::F32LogSoftmax(1, 1, &one, &out);
  EXPECT_EQ(out, 0.0f);
}

// Softmax values span many decades, so the check is relative; tiny values
// (exp underflow near -87) may differ between a flush to 0 and a denormal.
const float kSoftmaxRel = 1e-5f, kSoftmaxAbs = 1e-30f;
// Log-softmax values are x - (max + log(sum)); near zero the rounding of that
// shift (an ulp of values around 10-20) dominates.
const float kLogRel = 1e-5f, kLogAbs = 4e-6f;

void CheckShape(size_t rows, size_t cols, Rng& rng, float spread) {
  const size_t n = rows * cols;
  Buffer x(n, 1);
  x.FillUniform(rng, -spread, spread);
  Buffer expected(n, 2), expected_log(n, 3);
  {
    ScopedBackend scalar(Backend::kScalar);
    kernels::F32Softmax(rows, cols, x.data(), expected.data());
    kernels::F32LogSoftmax(rows, cols, x.data(), expected_log.data());
  }
  for (const auto& c : SimdCases()) {
    SCOPED_TRACE(c.name + " rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) +
                 " spread=" + std::to_string(spread));
    ScopedBackend backend(c);
    Buffer y(n, 3);
    kernels::F32Softmax(rows, cols, x.data(), y.data());
    EXPECT_TRUE(AllNear(expected, y, kSoftmaxRel, kSoftmaxAbs));
    Buffer ylog(n, 2);
    kernels::F32LogSoftmax(rows, cols, x.data(), ylog.data());
    EXPECT_TRUE(AllNear(expected_log, ylog, kLogRel, kLogAbs));
    // In place.
    Buffer inplace(n, 1);
    for (size_t i = 0; i < n; ++i) inplace[i] = x[i];
    kernels::F32Softmax(rows, cols, inplace.data(), inplace.data());
    EXPECT_TRUE(AllNear(expected, inplace, kSoftmaxRel, kSoftmaxAbs));
    for (size_t i = 0; i < n; ++i) inplace[i] = x[i];
    kernels::F32LogSoftmax(rows, cols, inplace.data(), inplace.data());
    EXPECT_TRUE(AllNear(expected_log, inplace, kLogRel, kLogAbs));
  }
}

TEST(F32SoftmaxTest, MatchesScalarAcrossCols) {
  Rng rng(21);
  for (size_t cols : OddSizes())
    for (size_t rows : {1, 3}) {
      CheckShape(rows, cols, rng, 5.0f);
      CheckShape(rows, cols, rng, 60.0f);  // wide range: exp underflows for some
    }
}

TEST(F32SoftmaxTest, MatchesScalarAcrossRows) {
  Rng rng(22);
  for (size_t rows : OddSizes())
    for (size_t cols : {2, 10, 33}) CheckShape(rows, cols, rng, 8.0f);
}

TEST(F32SoftmaxTest, RowsSumToOne) {
  Rng rng(23);
  const size_t rows = 4, cols = 65;
  Buffer x(rows * cols, 1);
  x.FillUniform(rng, -10.0f, 10.0f);
  for (const auto& c : SimdCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Buffer y(rows * cols, 2);
    kernels::F32Softmax(rows, cols, x.data(), y.data());
    for (size_t r = 0; r < rows; ++r) {
      double sum = 0.0;
      for (size_t j = 0; j < cols; ++j) sum += y[r * cols + j];
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
}

}  // namespace
}  // namespace mote
