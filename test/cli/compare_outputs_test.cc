// OutputComparison (src/cli/compare_outputs.cc), behind `mote export
// --evaluate`: NaN or infinite outputs never count as agreement or accuracy.
#include <gtest/gtest.h>

#include <cmath>

#include "src/cli/cli.h"

namespace mote_cli {
namespace {

TEST(OutputComparison, CountsAccuracyAgreementAndTheLargestDifference) {
  OutputComparison c;
  const float a[3] = {0.1f, 2.0f, -1.0f}, b[3] = {0.3f, 1.5f, -1.0f}, other[3] = {3.0f, 1.5f, -1.0f};
  c.Add(a, b, 3, 1);
  c.Add(a, other, 3, 1);
  EXPECT_EQ(c.images, 2u);
  EXPECT_EQ(c.host_correct, 2u);
  EXPECT_EQ(c.exported_correct, 1u);
  EXPECT_EQ(c.agree, 1u);
  EXPECT_EQ(c.non_finite, 0u);
  EXPECT_NEAR(c.max_abs_diff, 2.9, 1e-6);
}

// Before: all-NaN outputs on both sides "agreed" (both argmax 0) and were
// correct for label 0, and max_element skipped the NaN differences.
TEST(OutputComparison, NonFiniteOutputsDisagreeAndAreWrong) {
  const float nan = std::nanf("");
  const float finite[3] = {5.0f, 1.0f, 0.0f}, all_nan[3] = {nan, nan, nan}, one_inf[3] = {INFINITY, 1.0f, 0.0f};
  OutputComparison c;
  c.Add(all_nan, all_nan, 3, 0);
  c.Add(finite, all_nan, 3, 0);
  c.Add(one_inf, finite, 3, 0);
  EXPECT_EQ(c.images, 3u);
  EXPECT_EQ(c.agree, 0u);
  EXPECT_EQ(c.non_finite, 3u);
  EXPECT_EQ(c.host_correct, 1u);      // the finite host row
  EXPECT_EQ(c.exported_correct, 1u);  // the finite exported row
  EXPECT_EQ(c.max_abs_diff, 0.0);
}

}  // namespace
}  // namespace mote_cli
