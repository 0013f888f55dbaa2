#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "mote/data.h"

namespace mote {
namespace {

// n items of shape {2}: item i is {i, -i}, label i % 3.
Dataset Make(size_t n) {
  Dataset d;
  d.item_shape = Shape(2);
  for (size_t i = 0; i < n; ++i) {
    d.x.push_back(static_cast<float>(i));
    d.x.push_back(-static_cast<float>(i));
    d.labels.push_back(static_cast<int32_t>(i % 3));
  }
  return d;
}

// The item ids (x[0] of each item), checking the item is intact.
std::vector<size_t> Ids(const Dataset& d) {
  std::vector<size_t> ids;
  for (size_t i = 0; i < d.size(); ++i) {
    const size_t id = static_cast<size_t>(d.item(i)[0]);
    EXPECT_EQ(d.item(i)[1], -static_cast<float>(id));
    EXPECT_EQ(d.labels[i], static_cast<int32_t>(id % 3));
    ids.push_back(id);
  }
  return ids;
}

// The largest label a CSV or IDX file can hold (INT32_MAX) gives 2^31
// classes; int32 arithmetic overflowed.
TEST(Dataset, NumClassesOfTheLargestLabel) {
  Dataset d = Make(3);
  d.labels[1] = 2147483647;
  EXPECT_TRUE(ValidateDataset(d).ok());
  EXPECT_EQ(NumClasses(d), int64_t(1) << 31);
}

TEST(Dataset, SizeAndValidate) {
  Dataset d;
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(ValidateDataset(d).ok());
  EXPECT_EQ(NumClasses(d), 0);
  d = Make(5);
  EXPECT_EQ(d.size(), 5u);
  EXPECT_TRUE(ValidateDataset(d).ok());
  EXPECT_EQ(NumClasses(d), 3);
  d.labels.pop_back();
  EXPECT_EQ(ValidateDataset(d).code(), StatusCode::kCorruptData);
  d = Make(5);
  d.x.pop_back();
  EXPECT_EQ(ValidateDataset(d).code(), StatusCode::kCorruptData);
  d = Make(5);
  d.labels[2] = -1;
  EXPECT_EQ(ValidateDataset(d).code(), StatusCode::kCorruptData);
  Dataset shapeless;
  shapeless.x = {1.0f};
  EXPECT_EQ(ValidateDataset(shapeless).code(), StatusCode::kCorruptData);
}

TEST(Dataset, SliceAndSubset) {
  const Dataset d = Make(10);
  Dataset s;
  ASSERT_TRUE(Slice(d, 3, 7, &s).ok());
  EXPECT_EQ(Ids(s), (std::vector<size_t>{3, 4, 5, 6}));
  EXPECT_EQ(s.item_shape, d.item_shape);
  ASSERT_TRUE(Slice(d, 4, 4, &s).ok());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(Slice(d, 5, 11, &s).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(Slice(d, 6, 5, &s).code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(Subset(d, {9, 0, 9, 4}, &s).ok());
  EXPECT_EQ(Ids(s), (std::vector<size_t>{9, 0, 9, 4}));
  EXPECT_EQ(Subset(d, {1, 10}, &s).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(Subset(d, {1}, nullptr).code(), StatusCode::kInvalidArgument);

  Dataset unlabelled = Make(4);
  unlabelled.labels.clear();
  ASSERT_TRUE(Subset(unlabelled, {3, 1}, &s).ok());
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.labels.empty());
  EXPECT_EQ(s.x, (std::vector<float>{3, -3, 1, -1}));
}

TEST(Dataset, ShuffledIndicesIsASeededPermutation) {
  std::vector<size_t> a, b, c;
  ShuffledIndices(1000, 42, &a);
  ShuffledIndices(1000, 42, &b);
  ShuffledIndices(1000, 43, &c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<size_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i);
  size_t fixed_points = 0;
  for (size_t i = 0; i < a.size(); ++i) fixed_points += a[i] == i;
  EXPECT_LT(fixed_points, 10u);  // expected about 1
  ShuffledIndices(0, 1, &a);
  EXPECT_TRUE(a.empty());
  ShuffledIndices(1, 1, &a);
  EXPECT_EQ(a, (std::vector<size_t>{0}));
}

TEST(SplitValidation, SizesPartitionAndOrder) {
  const Dataset all = Make(100);
  Dataset train, val;
  ASSERT_TRUE(SplitValidation(all, 0.2f, 7, &train, &val).ok());
  EXPECT_EQ(train.size(), 80u);
  EXPECT_EQ(val.size(), 20u);
  EXPECT_EQ(train.item_shape, all.item_shape);
  EXPECT_EQ(val.item_shape, all.item_shape);
  std::vector<size_t> t = Ids(train), v = Ids(val);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  std::vector<size_t> both = t;
  both.insert(both.end(), v.begin(), v.end());
  std::sort(both.begin(), both.end());
  for (size_t i = 0; i < 100; ++i) ASSERT_EQ(both[i], i);
  // Random, not the last 20.
  EXPECT_NE(v.front(), 80u);

  // Rounding: 0.25 * 10 = 2.5 rounds to 3.
  ASSERT_TRUE(SplitValidation(Make(10), 0.25f, 7, &train, &val).ok());
  EXPECT_EQ(val.size(), 3u);
  EXPECT_EQ(train.size(), 7u);
}

TEST(SplitValidation, DeterministicBySeed) {
  const Dataset all = Make(1000);
  Dataset t1, v1, t2, v2, t3, v3;
  ASSERT_TRUE(SplitValidation(all, 0.1f, 123, &t1, &v1).ok());
  ASSERT_TRUE(SplitValidation(all, 0.1f, 123, &t2, &v2).ok());
  ASSERT_TRUE(SplitValidation(all, 0.1f, 124, &t3, &v3).ok());
  EXPECT_EQ(t1.x, t2.x);
  EXPECT_EQ(v1.x, v2.x);
  EXPECT_EQ(v1.labels, v2.labels);
  EXPECT_NE(v1.x, v3.x);
  EXPECT_EQ(v3.size(), 100u);
}

TEST(SplitValidation, EdgesAndErrors) {
  const Dataset all = Make(10);
  Dataset train, val;
  ASSERT_TRUE(SplitValidation(all, 0.0f, 1, &train, &val).ok());
  EXPECT_EQ(train.size(), 10u);
  EXPECT_EQ(val.size(), 0u);
  EXPECT_EQ(Ids(train), Ids(all));
  ASSERT_TRUE(SplitValidation(all, 1.0f, 1, &train, &val).ok());
  EXPECT_EQ(train.size(), 0u);
  EXPECT_EQ(val.size(), 10u);
  EXPECT_EQ(SplitValidation(all, -0.1f, 1, &train, &val).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitValidation(all, 1.5f, 1, &train, &val).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitValidation(all, std::numeric_limits<float>::quiet_NaN(), 1, &train, &val).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitValidation(all, 0.5f, 1, nullptr, &val).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitValidation(all, 0.5f, 1, &train, &train).code(), StatusCode::kInvalidArgument);
  Dataset broken = Make(3);
  broken.labels.pop_back();
  EXPECT_EQ(SplitValidation(broken, 0.5f, 1, &train, &val).code(), StatusCode::kCorruptData);
}

TEST(SplitValidation, OutputMayAliasInput) {
  Dataset data = Make(50);
  Dataset reference_train, reference_val;
  ASSERT_TRUE(SplitValidation(data, 0.3f, 9, &reference_train, &reference_val).ok());
  Dataset val;
  ASSERT_TRUE(SplitValidation(data, 0.3f, 9, &data, &val).ok());
  EXPECT_EQ(data.x, reference_train.x);
  EXPECT_EQ(val.x, reference_val.x);
}

TEST(SplitIndices, PartitionsAndMatchesSplitValidation) {
  const Dataset all = Make(100);
  std::vector<size_t> train_idx, val_idx;
  ASSERT_TRUE(SplitIndices(all.size(), 0.2f, 7, &train_idx, &val_idx).ok());
  EXPECT_EQ(train_idx.size(), 80u);
  EXPECT_EQ(val_idx.size(), 20u);
  EXPECT_TRUE(std::is_sorted(train_idx.begin(), train_idx.end()));
  EXPECT_TRUE(std::is_sorted(val_idx.begin(), val_idx.end()));
  std::vector<size_t> both = train_idx;
  both.insert(both.end(), val_idx.begin(), val_idx.end());
  std::sort(both.begin(), both.end());
  for (size_t i = 0; i < 100; ++i) ASSERT_EQ(both[i], i);
  // Subset by the indices gives what SplitValidation gives.
  Dataset train, val, sub_train, sub_val;
  ASSERT_TRUE(SplitValidation(all, 0.2f, 7, &train, &val).ok());
  ASSERT_TRUE(Subset(all, train_idx, &sub_train).ok());
  ASSERT_TRUE(Subset(all, val_idx, &sub_val).ok());
  EXPECT_EQ(sub_train.x, train.x);
  EXPECT_EQ(sub_train.labels, train.labels);
  EXPECT_EQ(sub_val.x, val.x);
  EXPECT_EQ(sub_val.labels, val.labels);
}

TEST(SplitIndices, Errors) {
  std::vector<size_t> a, b;
  EXPECT_EQ(SplitIndices(10, 1.5f, 1, &a, &b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitIndices(10, std::numeric_limits<float>::quiet_NaN(), 1, &a, &b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitIndices(10, 0.5f, 1, nullptr, &b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitIndices(10, 0.5f, 1, &a, &a).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(SplitIndices(0, 0.5f, 1, &a, &b).ok());
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace mote
