// Model files round trip: parse -> build -> DescribeModel -> write -> parse
// -> build gives the same model (every layer type, optimizer and schedule),
// the graph form (residual add, two heads), and a model built in C++ saved as
// a model file and rebuilt identically.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "model_file_test_util.h"
#include "mote/layers.h"
#include "mote/model_file.h"
#include "mote/optim/momentum.h"
#include "mote/zoo.h"

namespace mote {
namespace {

// Every layer type: an image branch and a sequence branch joined by an Add,
// a second head, per-layer regularization, freezing, a tie and a tying
// penalty. @OPTIMIZER@ / @SCHEDULE@ are replaced per case.
const char kEveryLayer[] = R"(
name = "every layer"

[[inputs]]
name = "image"
shape = [8, 8, 3]
scale = 0.00392156862745098

[[inputs]]
name = "sequence"
shape = [5, 4]

[[layers]]
type = "conv2d"
name = "conv"
inputs = ["image"]
filters = 4
kernel = [3, 2]
strides = [1, 2]
padding = "explicit"
pad = [1, 0]
init = { kind = "glorot_normal", gain = 2.0 }
l2 = 0.001
algorithm = "im2col"

[[layers]]
type = "batch_norm"
name = "bn"
momentum = 0.9
epsilon = 0.01
center = false

[[layers]]
type = "leaky_relu"
name = "leaky"
alpha = 0.2

[[layers]]
type = "depthwise_conv2d"
name = "depthwise"
kernel = 3
padding = "same"
use_bias = false
init = "he_uniform"

[[layers]]
type = "max_pool2d"
name = "max"
pool = 2

[[layers]]
type = "avg_pool2d"
name = "avg"
pool = [2, 1]
strides = 1
padding = "valid"

[[layers]]
type = "relu"
name = "relu"

[[layers]]
type = "relu"
name = "relu6"
max_value = 6.0

[[layers]]
type = "global_average_pool"
name = "gap"

[[layers]]
type = "dense"
name = "image_features"
units = 6
init = { kind = "sparse", value = 0.5, sparse_k = 2 }

[[layers]]
type = "simple_rnn"
name = "rnn"
inputs = ["sequence"]
units = 3
return_sequences = true

[[layers]]
type = "lstm"
name = "lstm"
units = 3
return_sequences = true
forget_bias = 2.0
frozen = true

[[layers]]
type = "gru"
name = "gru"
units = 6
kernel_init = "orthogonal"
recurrent_init = { kind = "scaled_normal", value = 1.5 }

[[layers]]
type = "add"
name = "join"
inputs = ["image_features", "gru"]

[[layers]]
type = "dense"
name = "d1"
units = 6

[[layers]]
type = "dense"
name = "d2"
units = 6
tied_to = "d1"

[[layers]]
type = "dense"
name = "d3"
units = 6

[[layers]]
type = "dropout"
name = "drop"
keep_probability = 0.75

[[layers]]
type = "gaussian_noise"
name = "noise"
stddev = 0.1

[[layers]]
type = "sigmoid"
name = "sig"

[[layers]]
type = "tanh"
name = "tanh"

[[layers]]
type = "softmax"
name = "soft"

[[layers]]
type = "flatten"
name = "flat"

[[layers]]
type = "dense"
name = "logits"
units = 5
use_bias = false
l1 = 0.0001
l2 = 0.0

[[layers]]
type = "dense"
name = "aux"
inputs = ["gru"]
units = 2

[loss]
type = "softmax_cross_entropy"
label_smoothing = 0.1
output = "logits"

[[heads]]
output = "aux"
type = "mean_squared_error"
weight = 0.5

@OPTIMIZER@
clip_norm = 2.5

@SCHEDULE@

[regularization]
l1 = 0.00002
l2 = 0.0005
weight_noise = 0.01

[[regularization.tying_penalties]]
layers = ["d1", "d3"]
strength = 0.25

[training]
epochs = 2
batch_size = 3
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

// parse -> build -> describe -> parse -> build: the same model, and
// describing the rebuilt model gives the same text again. (A Model does not
// know its training settings: files here use the default seed.)
void ExpectRoundTrip(const std::string& text) {
  ModelDescription first;
  ASSERT_TRUE(Parses(text, &first));
  Model built;
  ASSERT_TRUE(BuildModel(first, &built).ok());
  ModelDescription described;
  const Status s = DescribeModel(built, &described);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::string path = ::testing::TempDir() + "model_file_round_trip.toml";
  ASSERT_TRUE(SaveModelFile(described, path).ok());
  ModelDescription reread;
  const Status r = LoadModelFile(path, &reread);
  ASSERT_TRUE(r.ok()) << r.message() << "\n" << described.text();
  std::remove(path.c_str());
  EXPECT_EQ(reread.text(), described.text());
  Model rebuilt;
  ASSERT_TRUE(BuildModel(reread, &rebuilt).ok());
  EXPECT_TRUE(SameWeights(built, rebuilt)) << described.text();
  ASSERT_EQ(rebuilt.node_count(), built.node_count());
  for (size_t n = 0; n < built.node_count(); ++n) {
    EXPECT_EQ(rebuilt.node_name(NodeId(n)), built.node_name(NodeId(n)));
    EXPECT_EQ(rebuilt.node_inputs(NodeId(n)), built.node_inputs(NodeId(n)));
    EXPECT_EQ(rebuilt.node_shape(NodeId(n)), built.node_shape(NodeId(n)));
    EXPECT_EQ(rebuilt.frozen(NodeId(n)), built.frozen(NodeId(n)));
  }
  for (size_t i = 0; i < built.param_infos().size(); ++i) {
    EXPECT_EQ(rebuilt.param_infos()[i].l1, built.param_infos()[i].l1) << built.param_infos()[i].name;
    EXPECT_EQ(rebuilt.param_infos()[i].l2, built.param_infos()[i].l2) << built.param_infos()[i].name;
  }
  EXPECT_STREQ(rebuilt.optimizer()->type(), built.optimizer()->type());
  EXPECT_EQ(rebuilt.optimizer_state_count(), built.optimizer_state_count());
  EXPECT_EQ(rebuilt.gradient_clip_norm(), built.gradient_clip_norm());
  EXPECT_EQ(rebuilt.weight_noise(), built.weight_noise());
  EXPECT_EQ(rebuilt.head_count(), built.head_count());
  for (size_t h = 0; h < built.head_count(); ++h) EXPECT_EQ(rebuilt.head_weight(h), built.head_weight(h));
  EXPECT_EQ(rebuilt.tying_penalty_count(), built.tying_penalty_count());
  EXPECT_EQ(rebuilt.tie_count(), built.tie_count());
  EXPECT_EQ(rebuilt.output_count(), built.output_count());
  ModelDescription again;
  ASSERT_TRUE(DescribeModel(rebuilt, &again).ok());
  EXPECT_EQ(again.text(), described.text());
}

TEST(ModelFileRoundTrip, EveryLayerEveryOptimizer) {
  const char* optimizers[] = {
      "[optimizer]\ntype = \"sgd\"",
      "[optimizer]\ntype = \"momentum\"\nmomentum = 0.8\nnesterov = true",
      "[optimizer]\ntype = \"adagrad\"\ndelta = 1e-6",
      "[optimizer]\ntype = \"rmsprop\"\nrho = 0.95\ndelta = 1e-5\nmomentum = 0.5",
      "[optimizer]\ntype = \"adam\"\nrho1 = 0.8\nrho2 = 0.99\ndelta = 1e-7\nweight_decay = 0.01\nlearning_rate = 0.003",
  };
  for (const char* optimizer : optimizers) {
    SCOPED_TRACE(optimizer);
    ExpectRoundTrip(Replace(Replace(kEveryLayer, "@OPTIMIZER@", optimizer), "@SCHEDULE@", ""));
  }
}

// A conv's algorithm is written only when it is not "auto", and read back.
TEST(ModelFileRoundTrip, ConvAlgorithm) {
  const std::string text =
      Replace(Replace(kEveryLayer, "@OPTIMIZER@", "[optimizer]\ntype = \"sgd\""), "@SCHEDULE@", "");
  ModelDescription parsed;
  ASSERT_TRUE(Parses(text, &parsed));
  Model built;
  ASSERT_TRUE(BuildModel(parsed, &built).ok());
  ModelDescription described;
  ASSERT_TRUE(DescribeModel(built, &described).ok());
  EXPECT_NE(described.text().find("algorithm = \"im2col\""), std::string::npos) << described.text();
  EXPECT_EQ(described.text().find("algorithm = \"auto\""), std::string::npos);
  ModelDescription bad;
  const Status s = ParseModelDescription(Replace(text, "algorithm = \"im2col\"", "algorithm = \"fft\""), "t.toml", &bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("algorithm"), std::string::npos) << s.message();
}

TEST(ModelFileRoundTrip, EverySchedule) {
  const char* schedules[] = {
      "[schedule]\ntype = \"constant\"",
      "[schedule]\ntype = \"inverse_time\"\ndecay_rate = 0.01\nunit = \"epoch\"",
      "[schedule]\ntype = \"exponential_step\"\ngamma = 0.5\nstep_size = 100",
      "[schedule]\ntype = \"linear_decay\"\nfinal_learning_rate = 0.0001\ndecay_steps = 1000",
      "[schedule]\ntype = \"reduce_on_plateau\"\nfactor = 0.2\npatience = 3\nmin_delta = 0.001\n"
      "min_learning_rate = 1e-5\nmode = \"max\"",
  };
  for (const char* schedule : schedules) {
    SCOPED_TRACE(schedule);
    const std::string text = Replace(Replace(kEveryLayer, "@OPTIMIZER@", "[optimizer]\ntype = \"sgd\""), "@SCHEDULE@",
                                     schedule);
    ModelDescription d;
    ASSERT_TRUE(Parses(text, &d));
    ExpectRoundTrip(text);
  }
}

TEST(ModelFileGraph, ResidualAddAndTwoHeads) {
  const char text[] = R"(
[input]
shape = [4]

[[layers]]
type = "dense"
name = "trunk"
units = 8

[[layers]]
type = "relu"
name = "act"

[[layers]]
type = "dense"
name = "branch"
units = 8

[[layers]]
type = "add"
name = "residual"
inputs = ["trunk", "branch"]

[[layers]]
type = "dense"
name = "classes"
units = 3

[[layers]]
type = "dense"
name = "value"
inputs = ["residual"]
units = 1

[loss]
output = "classes"

[[heads]]
output = "value"
type = "mean_squared_error"
weight = 0.25
)";
  ModelDescription d;
  ASSERT_TRUE(Parses(text, &d));
  EXPECT_EQ(d.classes(), 3u);
  Model m;
  ASSERT_TRUE(BuildModel(d, &m).ok());
  const NodeId residual = m.find("residual");
  ASSERT_GE(residual, 0);
  EXPECT_EQ(m.node_inputs(residual), (std::vector<NodeId>{m.find("trunk"), m.find("branch")}));
  EXPECT_EQ(m.output_count(), 2);
  EXPECT_EQ(m.output_node(0), m.find("classes"));
  EXPECT_EQ(m.output_node(1), m.find("value"));
  ASSERT_EQ(m.head_count(), 2u);
  EXPECT_EQ(m.head_weight(1), 0.25f);
  // A multitask step with both targets.
  const float x[2 * 4] = {1, 2, 3, 4, -1, 0, 1, 2};
  const int32_t labels[2] = {0, 2};
  const float values[2] = {0.5f, -0.5f};
  const Targets targets[2] = {Targets{labels, nullptr}, Targets{nullptr, values}};
  const float* inputs[1] = {x};
  float loss = 0;
  ASSERT_TRUE(m.TrainStep(inputs, targets, 2, 2, 0.01f, &loss).ok());
  EXPECT_GT(loss, 0.0f);
  ExpectRoundTrip(text);
}

TEST(DescribeModel, ACppModelSavedAsAModelFileRebuildsIdentically) {
  Model m;
  m.Input(Shape(6, 6, 2), "pixels");
  Conv2DOptions o;
  o.padding = Padding::kSame;
  m.Add(std::make_unique<Conv2D>(3, 3, 3, o), {}, "conv");
  m.Add(std::make_unique<ReLU>(), {}, "relu");
  m.Add(std::make_unique<Flatten>(), {}, "flat");
  m.Add(std::make_unique<Dense>(4, false), {}, "out");
  m.SetLoss(std::make_unique<SoftmaxCrossEntropy>(0.05f));
  m.SetOptimizer(std::make_unique<Momentum>(0.7f, false));
  m.SetRegularization(0.0f, 1e-4f);
  ASSERT_TRUE(m.SetGradientClipNorm(1.5f).ok());
  ASSERT_TRUE(m.Prepare(7, 1).ok());  // 1: the model file's default seed
  const std::string path = ::testing::TempDir() + "model_file_cpp.toml";
  ASSERT_TRUE(SaveModelFile(m, path).ok());
  ModelDescription d;
  const Status s = LoadModelFile(path, &d);
  ASSERT_TRUE(s.ok()) << s.message();
  std::remove(path.c_str());
  EXPECT_EQ(d.batch_size(), 7u);
  Model rebuilt;
  ASSERT_TRUE(BuildModel(d, &rebuilt).ok());
  EXPECT_TRUE(SameWeights(rebuilt, m));
  EXPECT_EQ(rebuilt.gradient_clip_norm(), 1.5f);
  EXPECT_EQ(rebuilt.regularization_l2(), 1e-4f);
  EXPECT_STREQ(rebuilt.optimizer()->type(), "Momentum");
}

TEST(DescribeModel, TheSeedNetworkDescribesItselfAsItsModelFile) {
  Model code;
  ASSERT_TRUE(BuildSeedNetwork(code, NarrowSeedNetworkOptions()).ok());
  ASSERT_TRUE(code.Prepare(50, 1).ok());
  ModelDescription d;
  ASSERT_TRUE(DescribeModel(code, &d).ok());
  Model rebuilt;
  ASSERT_TRUE(BuildModel(d, &rebuilt).ok());
  EXPECT_TRUE(SameWeights(code, rebuilt));
}

}  // namespace
}  // namespace mote
