#include "mote/ensemble.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "mote/trainer.h"
#include "src/core/status_format.h"
#include "mote/zoo.h"

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

// One bagging member: the narrow seed network trained for 2 epochs on its
// resample of 30 random images (seed = its index), on its threads.
Status TrainNarrowMember(const Dataset& train, const EnsembleMember& member, Model& model) {
  MOTE_TRY(BuildSeedNetwork(model, NarrowSeedNetworkOptions()));
  MOTE_TRY(model.SetThreads(member.threads));
  FitOptions fit;
  fit.epochs = 2;
  fit.batch_size = 8;
  fit.seed = 1 + member.index;
  fit.verbose = false;
  fit.sample = member.sample;
  return Fit(model, train, fit, nullptr);
}

Dataset RandomImages(size_t n) {
  Rng rng(11);
  Dataset d;
  d.item_shape = Shape(28, 28, 1);
  d.x.resize(n * 784);
  for (float& v : d.x) v = rng.Uniform(0.0f, 1.0f);
  for (size_t i = 0; i < n; ++i) d.labels.push_back(int32_t(rng.Below(10)));
  return d;
}

std::vector<float> Weights(Model& m) {
  std::vector<float> w(m.params(), m.params() + m.param_buffer_floats());
  w.insert(w.end(), m.state(), m.state() + m.state_count());
  return w;
}

// Members trained 1, 2 or 3 at a time are the members trained one after
// another, and each member got its share of the threads.
TEST(Ensemble, ConcurrentMembersAreTheSequentialOnes) {
  const Dataset train = RandomImages(30);
  EnsembleOptions options;
  options.members = 3;
  std::vector<std::vector<float>> sequential;
  for (size_t m = 0; m < 3; ++m) {
    Rng rng(options.seed + m);
    std::vector<size_t> sample;
    BootstrapIndices(train.size(), rng, &sample);
    EnsembleMember member;
    member.index = m;
    member.sample = &sample;
    Model model;
    ASSERT_TRUE(TrainNarrowMember(train, member, model).ok());
    sequential.push_back(Weights(model));
  }
  EXPECT_NE(sequential[0], sequential[1]);
  // Member threads per thread count: 1 -> 1 1 1; 2 -> 1 1 (round 1), 2 (round 2);
  // 3 -> 1 1 1; 4 -> 2 1 1.
  const size_t expected_threads[4][3] = {{1, 1, 1}, {1, 1, 2}, {1, 1, 1}, {2, 1, 1}};
  for (size_t threads : {1, 2, 3, 4}) {
    options.threads = threads;
    size_t member_threads[3] = {0, 0, 0};
    std::vector<std::unique_ptr<Model>> models;
    ASSERT_TRUE(TrainEnsemble(train.size(), options,
                              [&](const EnsembleMember& member, Model& model) {
                                member_threads[member.index] = member.threads;
                                return TrainNarrowMember(train, member, model);
                              },
                              &models)
                    .ok());
    ASSERT_EQ(models.size(), 3u);
    for (size_t m = 0; m < 3; ++m) {
      EXPECT_EQ(member_threads[m], expected_threads[threads - 1][m]) << threads << " threads, member " << m;
      const std::vector<float> w = Weights(*models[m]);
      ASSERT_EQ(w.size(), sequential[m].size());
      EXPECT_EQ(std::memcmp(w.data(), sequential[m].data(), w.size() * sizeof(float)), 0)
          << threads << " threads, member " << m;
    }
  }
}

TEST(Ensemble, AFailingMemberIsNamedAndTheOthersStillTrain) {
  EnsembleOptions options;
  options.members = 3;
  options.bootstrap = false;
  options.threads = 2;
  bool trained[3] = {false, false, false};
  std::vector<std::unique_ptr<Model>> models;
  const Status s = TrainEnsemble(
      0, options,
      [&](const EnsembleMember& member, Model&) {
        EXPECT_EQ(member.sample, nullptr);
        trained[member.index] = true;
        return member.index == 1 ? FormattedStatus(StatusCode::kOutOfRange, "member says %d", 42) : Status::Ok();
      },
      &models);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_STREQ(s.message(), "ensemble member 1: member says 42");
  EXPECT_TRUE(trained[0] && trained[1] && trained[2]);
  options.members = 0;
  EXPECT_EQ(TrainEnsemble(0, options, [](const EnsembleMember&, Model&) { return Status::Ok(); }, &models).code(),
            StatusCode::kInvalidArgument);
  options.members = 2;
  options.bootstrap = true;
  EXPECT_EQ(TrainEnsemble(0, options, [](const EnsembleMember&, Model&) { return Status::Ok(); }, &models).code(),
            StatusCode::kInvalidArgument);  // nothing to resample
}

}  // namespace
}  // namespace mote
