#include "mote/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "mote/layers.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

void BuildSmall(Model& m, bool batchnorm) {
  m.Input(Shape(size_t(6)), "x");
  m.Add(std::make_unique<Dense>(8), {}, "dense");
  if (batchnorm) m.Add(std::make_unique<BatchNorm>(), {}, "bn");
  m.Add(std::make_unique<Dense>(3), {}, "logits");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  m.SetOptimizer(std::make_unique<Sgd>());
}

EpochMetrics Epoch(uint32_t epoch, float val_loss, float val_accuracy) {
  EpochMetrics m;
  m.epoch = epoch;
  m.epochs = 10;
  m.has_validation = true;
  m.val_loss = val_loss;
  m.val_accuracy = val_accuracy;
  return m;
}

TEST(EarlyStopping, StopsAfterPatienceAndRestoresTheBestEpochExactly) {
  Model model;
  BuildSmall(model, true);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  EarlyStoppingOptions options;
  options.monitor = "val_loss";
  options.min_delta = 0.05f;
  options.patience = 3;
  EarlyStopping stopper(options);
  // Epoch 4 improves by less than min_delta, so it does not count.
  const float losses[] = {1.0f, 0.8f, 0.85f, 0.79f, 0.9f, 0.95f};
  std::vector<float> best_params, best_state;
  uint32_t last = 0;
  for (uint32_t e = 1; e <= 6; ++e) {
    // Make the weights and layer state recognisable per epoch.
    for (size_t i = 0; i < model.param_buffer_floats(); ++i) model.mutable_params()[i] = float(e) + 0.001f * float(i);
    for (size_t i = 0; i < model.state_count(); ++i) model.mutable_state()[i] = -float(e);
    if (e == 2) {
      best_params.assign(model.params(), model.params() + model.param_buffer_floats());
      best_state.assign(model.state(), model.state() + model.state_count());
    }
    bool stop = false;
    stopper.OnEpochEnd(model, Epoch(e, losses[e - 1], 0.0f), &stop);
    last = e;
    if (stop) break;
  }
  EXPECT_EQ(last, 5u);
  EXPECT_EQ(stopper.stopped_epoch(), 5u);
  EXPECT_EQ(stopper.best_epoch(), 2u);
  EXPECT_FLOAT_EQ(stopper.best_value(), 0.8f);
  stopper.OnTrainEnd(model);
  EXPECT_EQ(std::memcmp(model.params(), best_params.data(), best_params.size() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(model.state(), best_state.data(), best_state.size() * sizeof(float)), 0);
}

// Without batchnorm there is no layer state to save: restoring must not pass
// memcpy the null data() of the empty copy (UBSan).
TEST(EarlyStopping, RestoresAModelWithoutLayerState) {
  Model model;
  BuildSmall(model, false);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  ASSERT_EQ(model.state_count(), 0u);
  EarlyStoppingOptions options;
  options.monitor = "val_loss";
  options.patience = 1;
  EarlyStopping stopper(options);
  bool stop = false;
  const std::vector<float> best(model.params(), model.params() + model.param_buffer_floats());
  stopper.OnEpochEnd(model, Epoch(1, 0.5f, 0.0f), &stop);
  for (size_t i = 0; i < model.param_buffer_floats(); ++i) model.mutable_params()[i] += 1.0f;
  stopper.OnEpochEnd(model, Epoch(2, 0.9f, 0.0f), &stop);
  EXPECT_TRUE(stop);
  stopper.OnTrainEnd(model);
  EXPECT_EQ(std::memcmp(model.params(), best.data(), best.size() * sizeof(float)), 0);
}

TEST(EarlyStopping, AccuracyIsMaximisedAndNanNeverImproves) {
  Model model;
  BuildSmall(model, false);
  ASSERT_TRUE(model.Prepare(4, 1).ok());
  EarlyStoppingOptions options;
  options.monitor = "val_accuracy";
  options.patience = 2;
  EarlyStopping stopper(options);
  bool stop = false;
  stopper.OnEpochEnd(model, Epoch(1, 0, 0.5f), &stop);
  stopper.OnEpochEnd(model, Epoch(2, 0, 0.7f), &stop);
  stopper.OnEpochEnd(model, Epoch(3, 0, std::nanf("")), &stop);
  EXPECT_FALSE(stop);
  stopper.OnEpochEnd(model, Epoch(4, 0, 0.6f), &stop);
  EXPECT_FALSE(stop);
  stopper.OnEpochEnd(model, Epoch(5, 0, 0.69f), &stop);
  EXPECT_TRUE(stop);
  EXPECT_EQ(stopper.best_epoch(), 2u);
}

TEST(EarlyStopping, EndsFitEarlyAndReportsTheBestEpoch) {
  // Learning rate 0 and no batchnorm: the validation loss never changes, so
  // only the first epoch counts as an improvement.
  Model model;
  BuildSmall(model, false);
  Dataset data;
  data.item_shape = Shape(size_t(6));
  Rng rng(3);
  for (int i = 0; i < 40; ++i) {
    for (int j = 0; j < 6; ++j) data.x.push_back(rng.Uniform(-1, 1));
    data.labels.push_back(int32_t(rng.Below(3)));
  }
  EarlyStoppingOptions options;
  options.patience = 2;
  EarlyStopping stopper(options);
  FitOptions fit;
  fit.epochs = 20;
  fit.batch_size = 8;
  fit.learning_rate = 0.0f;
  fit.validation_split = 0.25f;
  fit.verbose = false;
  fit.callbacks.push_back(&stopper);
  History history;
  ASSERT_TRUE(Fit(model, data, fit, &history).ok());
  EXPECT_EQ(history.size(), 3u);
  EXPECT_EQ(stopper.best_epoch(), 1u);
  EXPECT_EQ(stopper.stopped_epoch(), 3u);
}

}  // namespace
}  // namespace mote
