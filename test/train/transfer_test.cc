#include "mote/transfer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/optim/momentum.h"

namespace mote {
namespace {

// A shared trunk ("trunk", "bn") and a head of `classes` outputs.
void Build(Model& m, size_t trunk_units, size_t classes) {
  m.Input(Shape(size_t(6)), "x");
  m.Add(std::make_unique<Dense>(trunk_units), {}, "trunk");
  m.Add(std::make_unique<BatchNorm>(), {}, "bn");
  m.Add(std::make_unique<ReLU>(), {}, "relu");
  m.Add(std::make_unique<Dense>(classes), {}, "head");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Momentum>(0.9f));
}

struct Batch {
  std::vector<float> x;
  std::vector<int32_t> labels;
};
Batch MakeBatch(size_t n, int32_t classes, uint64_t seed) {
  Rng rng(seed);
  Batch b;
  for (size_t i = 0; i < n * 6; ++i) b.x.push_back(rng.Uniform(-1, 1));
  for (size_t i = 0; i < n; ++i) b.labels.push_back(int32_t(rng.Below(uint32_t(classes))));
  return b;
}

std::vector<float> Tensor(Model& m, const std::string& name) {
  for (const ParamInfo& p : m.param_infos())
    if (p.name == name) return std::vector<float>(m.params() + p.offset, m.params() + p.offset + p.size);
  return {};
}

TEST(Transfer, CopiedFrozenTrunkStaysBitIdenticalWhileTheNewHeadTrains) {
  Model pretrained;
  Build(pretrained, 10, 4);
  ASSERT_TRUE(pretrained.Prepare(8, 1).ok());
  const Batch source_data = MakeBatch(8, 4, 1);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(pretrained.TrainStep(source_data.x.data(), Targets{source_data.labels.data(), nullptr}, 8, 0.05f).ok());

  Model fine_tuned;  // same trunk, a 2-class head
  Build(fine_tuned, 10, 2);
  ASSERT_TRUE(fine_tuned.Prepare(8, 2).ok());
  size_t copied = 0;
  ASSERT_TRUE(CopyWeightsByName(pretrained, fine_tuned, {"trunk", "bn"}, &copied).ok());
  EXPECT_EQ(copied, 6u);  // trunk kernel + bias, bn gamma + beta, bn moving mean + variance
  EXPECT_EQ(Tensor(fine_tuned, "trunk/kernel"), Tensor(pretrained, "trunk/kernel"));
  ASSERT_TRUE(fine_tuned.Freeze("trunk").ok());
  ASSERT_TRUE(fine_tuned.Freeze("bn").ok());
  const std::vector<float> trunk = Tensor(fine_tuned, "trunk/kernel"), gamma = Tensor(fine_tuned, "bn/gamma");
  const std::vector<float> head = Tensor(fine_tuned, "head/kernel");
  const Batch target_data = MakeBatch(8, 2, 3);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(fine_tuned.TrainStep(target_data.x.data(), Targets{target_data.labels.data(), nullptr}, 8, 0.05f).ok());
  EXPECT_EQ(Tensor(fine_tuned, "trunk/kernel"), trunk);
  EXPECT_EQ(Tensor(fine_tuned, "bn/gamma"), gamma);
  EXPECT_NE(Tensor(fine_tuned, "head/kernel"), head);
}

TEST(Transfer, MismatchesAreRejectedBeforeAnythingIsCopied) {
  Model a, b;
  Build(a, 10, 4);
  Build(b, 12, 4);  // "trunk" has another size
  ASSERT_TRUE(a.Prepare(2, 1).ok());
  ASSERT_TRUE(b.Prepare(2, 2).ok());
  const std::vector<float> before(b.params(), b.params() + b.param_buffer_floats());
  EXPECT_EQ(CopyWeightsByName(a, b, {}, nullptr).code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(CopyWeightsByName(a, b, {"nope"}, nullptr).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(std::memcmp(before.data(), b.params(), before.size() * sizeof(float)), 0);
  // The head's kernel is [4 x 10] in one model and [4 x 12] in the other.
  EXPECT_EQ(CopyWeightsByName(a, b, {"head"}, nullptr).code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(std::memcmp(before.data(), b.params(), before.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace mote
