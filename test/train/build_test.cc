// Keras-like construction (include/mote/build.h): the seed network written
// with specs is the seed network of the zoo (same layers, names aside, and
// bit-identical parameters from the same seed), and each spec makes the layer
// its options say.
#include "mote/build.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "mote/zoo.h"

namespace mote {
namespace {

// The seed network as a user writes it (examples/quickstart.cpp).
void FluentSeedNetwork(Model& model) {
  ASSERT_TRUE(Sequential(model, {28, 28, 1},
                         layers::Conv2D(10).kernel(5).stride(2).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                         layers::Conv2D(40).kernel(5).stride(2).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                         layers::Conv2D(80).kernel(5).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                         layers::Flatten(), layers::Dense(50).no_bias(), layers::BatchNorm(), layers::ReLU(),
                         layers::Dense(10).name("logits"))
                  .ok());
  model.SetLoss(losses::SoftmaxCrossEntropy());
  model.SetOptimizer(optimizers::Momentum(0.9f).nesterov());
}

TEST(Build, FluentSeedNetworkIsTheZoosBitForBit) {
  Model fluent, zoo;
  FluentSeedNetwork(fluent);
  ASSERT_TRUE(BuildSeedNetwork(zoo).ok());
  ASSERT_TRUE(fluent.Prepare(4, 42).ok());
  ASSERT_TRUE(zoo.Prepare(4, 42).ok());
  ASSERT_EQ(fluent.node_count(), zoo.node_count());
  for (size_t n = 1; n < zoo.node_count(); ++n)
    EXPECT_STREQ(fluent.layer(NodeId(n))->type(), zoo.layer(NodeId(n))->type()) << n;
  EXPECT_EQ(fluent.node_name(fluent.find("logits")), "logits");
  ASSERT_EQ(fluent.param_infos().size(), zoo.param_infos().size());
  for (size_t i = 0; i < zoo.param_infos().size(); ++i) {
    EXPECT_EQ(fluent.param_infos()[i].shape, zoo.param_infos()[i].shape) << zoo.param_infos()[i].name;
    EXPECT_EQ(fluent.param_infos()[i].offset, zoo.param_infos()[i].offset) << zoo.param_infos()[i].name;
  }
  ASSERT_EQ(fluent.param_buffer_floats(), zoo.param_buffer_floats());
  EXPECT_EQ(std::memcmp(fluent.params(), zoo.params(), zoo.param_buffer_floats() * sizeof(float)), 0);
  ASSERT_EQ(fluent.state_count(), zoo.state_count());
  EXPECT_EQ(std::memcmp(fluent.state(), zoo.state(), zoo.state_count() * sizeof(float)), 0);
  EXPECT_STREQ(fluent.loss()->type(), zoo.loss()->type());
  EXPECT_STREQ(fluent.optimizer()->type(), zoo.optimizer()->type());
  EXPECT_EQ(fluent.optimizer_state_count(), zoo.optimizer_state_count());
}

TEST(Build, SpecsMakeTheLayersTheirOptionsSay) {
  Model model;
  model.Input({8, 8, 3});
  const NodeId conv = model.Add(layers::Conv2D(4).kernel(3, 1).stride(2, 1).pad(1, 0).no_bias().name("c"));
  model.Add(layers::MaxPool2D(2).same());
  const NodeId dw = model.Add(layers::DepthwiseConv2D(3).same());
  model.Add(layers::AvgPool2D(2, 1));
  model.Add(layers::LeakyReLU().alpha(0.2f));
  model.Add(layers::Dropout().rate(0.25f).name("drop"));
  model.Add(layers::GaussianNoise(0.1f));
  model.Add(layers::GlobalAveragePool());
  model.Add(layers::Dense(3));
  model.SetLoss(losses::MeanSquaredError());
  model.SetOptimizer(optimizers::Adam().beta_1(0.8f).epsilon(1e-7f));
  ASSERT_TRUE(model.Prepare(2).ok());
  const auto* c = static_cast<const mote::Conv2D*>(model.layer(conv));
  EXPECT_EQ(model.node_name(conv), "c");
  EXPECT_EQ(c->filters(), 4u);
  EXPECT_EQ(c->options().stride_h, 2u);
  EXPECT_EQ(c->options().stride_w, 1u);
  EXPECT_EQ(c->options().padding, Padding::kExplicit);
  EXPECT_EQ(c->options().pad_h, 1u);
  EXPECT_FALSE(c->options().use_bias);
  // (8 + 2 - 3) / 2 + 1 = 4 rows, 8 columns; the pool (stride 2 by default) halves both.
  EXPECT_EQ(model.node_shape(conv), Shape(4, 8, 4));
  EXPECT_EQ(model.node_shape(conv + 1), Shape(2, 4, 4));
  EXPECT_EQ(model.node_shape(dw), Shape(2, 4, 4));
  EXPECT_EQ(model.node_shape(dw + 1), Shape(1, 4, 4));
  const auto* drop = static_cast<const mote::Dropout*>(model.layer(model.find("drop")));
  EXPECT_EQ(drop->keep_probability(), 0.75f);
  EXPECT_STREQ(model.loss()->type(), "MeanSquaredError");
  EXPECT_STREQ(model.optimizer()->type(), "Adam");
}

TEST(Build, RecurrentSpecs) {
  Model model;
  ASSERT_TRUE(Sequential(model, {5, 3}, layers::LSTM(4).return_sequences(), layers::GRU(3), layers::Dense(2)).ok());
  model.SetLoss(losses::SoftmaxCrossEntropy().label_smoothing(0.1f));
  model.SetOptimizer(optimizers::RmsProp().rho(0.8f));
  ASSERT_TRUE(model.Prepare(2).ok());
  EXPECT_EQ(model.node_shape(1), Shape(5, 4));
  EXPECT_EQ(model.node_shape(2), Shape(3));
}

TEST(Build, MistakesAreErrors) {
  Model model;
  // Conv2D's kernel has no default: Prepare says so.
  ASSERT_TRUE(Sequential(model, {8, 8, 1}, layers::Conv2D(4), layers::Flatten(), layers::Dense(2)).ok());
  model.SetLoss(losses::SoftmaxCrossEntropy());
  model.SetOptimizer(optimizers::Sgd());
  EXPECT_FALSE(model.Prepare(2).ok());
  // Sequential wants an empty model.
  EXPECT_EQ(Sequential(model, {8}, layers::Dense(2)).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
