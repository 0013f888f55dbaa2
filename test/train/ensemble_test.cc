#include "mote/ensemble.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace mote {
namespace {

TEST(Ensemble, BootstrapHasTheDataSizeAndAbout632PercentDistinct) {
  Rng rng(7);
  std::vector<size_t> idx;
  BootstrapIndices(20000, rng, &idx);
  ASSERT_EQ(idx.size(), 20000u);
  for (size_t i : idx) ASSERT_LT(i, 20000u);
  std::vector<size_t> sorted = idx;
  std::sort(sorted.begin(), sorted.end());
  const size_t distinct = size_t(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  // 1 - (1 - 1/n)^n -> 1 - 1/e = 0.6321; the standard deviation at n = 20000 is ~0.0034.
  EXPECT_NEAR(double(distinct) / 20000.0, 0.6321, 0.015);
  // Same seed, same resample; another seed, another one.
  Rng same(7), other(8);
  std::vector<size_t> again, different;
  BootstrapIndices(20000, same, &again);
  BootstrapIndices(20000, other, &different);
  EXPECT_EQ(again, idx);
  EXPECT_NE(different, idx);
}

TEST(Ensemble, AverageAndModeVoteOnKnownInputs) {
  // 3 members, 2 examples, 3 classes.
  const float m0[] = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
  const float m1[] = {0.2f, 0.5f, 0.3f, 0.1f, 0.8f, 0.1f};
  const float m2[] = {0.6f, 0.3f, 0.1f, 0.2f, 0.2f, 0.6f};
  const float* members[] = {m0, m1, m2};
  float avg[6];
  ASSERT_TRUE(AverageOutputs(members, 3, 2, 3, avg).ok());
  EXPECT_FLOAT_EQ(avg[0], 0.5f);
  EXPECT_FLOAT_EQ(avg[1], 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(avg[5], 13.0f / 30.0f);
  int32_t vote[2];
  ASSERT_TRUE(ModeVote(members, 3, 2, 3, vote).ok());
  EXPECT_EQ(vote[0], 0);  // votes 0, 1, 0
  EXPECT_EQ(vote[1], 2);  // votes 2, 1, 2
  // A tie goes to the smallest class.
  const float* two[] = {m0, m1};
  ASSERT_TRUE(ModeVote(two, 2, 2, 3, vote).ok());
  EXPECT_EQ(vote[0], 0);  // votes 0 and 1
  EXPECT_EQ(vote[1], 1);  // votes 2 and 1
  EXPECT_FALSE(ModeVote(members, 0, 2, 3, vote).ok());
  EXPECT_FALSE(AverageOutputs(nullptr, 3, 2, 3, avg).ok());
}

}  // namespace
}  // namespace mote
