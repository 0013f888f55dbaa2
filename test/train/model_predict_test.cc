// Model::Predict (src/train/model_predict.cc): buffer sizes are checked before
// anything is read or written, so a short buffer is an error, not a read past
// its end (the sanitizer build would report one as a heap-buffer-overflow).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

void BuildDense64(Model& model) {
  model.Input(Shape(64));
  model.Add(std::make_unique<Dense>(10));
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Sgd>());
  ASSERT_TRUE(model.Prepare(4, 1).ok());
}

TEST(ModelPredict, ShortInputIsAnErrorAndNothingIsWritten) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(63, 0.5f);  // one float short: heap-allocated so ASan sees its end
  std::vector<float> out(10, -7.0f);
  const Status s = model.Predict(input.data(), input.size(), 1, out.data(), out.size());
  EXPECT_EQ(s.code(), StatusCode::kShapeMismatch);
  EXPECT_NE(std::string(s.message()).find("63"), std::string::npos) << s.message();
  EXPECT_NE(std::string(s.message()).find("64"), std::string::npos) << s.message();
  for (float v : out) EXPECT_EQ(v, -7.0f);
}

TEST(ModelPredict, ShortInputForTheBatchIsAnError) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(64 * 3 - 1), out(30);
  EXPECT_EQ(model.Predict(input.data(), input.size(), 3, out.data(), out.size()).code(), StatusCode::kShapeMismatch);
}

TEST(ModelPredict, ShortOutputIsAnErrorAndNothingIsWritten) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(128, 0.5f), out(19, -7.0f);
  const Status s = model.Predict(input.data(), input.size(), 2, out.data(), out.size());
  EXPECT_EQ(s.code(), StatusCode::kShapeMismatch);
  EXPECT_NE(std::string(s.message()).find("19"), std::string::npos) << s.message();
  for (float v : out) EXPECT_EQ(v, -7.0f);
}

TEST(ModelPredict, ExactBuffersWork) {
  Model model;
  BuildDense64(model);
  std::vector<float> input(128, 0.5f), out(20);
  ASSERT_TRUE(model.Predict(input.data(), input.size(), 2, out.data(), out.size()).ok());
  // Both rows see the same input: the same logits.
  for (size_t j = 0; j < 10; ++j) EXPECT_EQ(out[j], out[10 + j]);
}

TEST(ModelPredict, BadArgumentsAreErrors) {
  Model model;
  std::vector<float> input(64), out(10);
  EXPECT_EQ(model.Predict(input.data(), 64, 1, out.data(), 10).code(), StatusCode::kInvalidArgument);  // not prepared
  BuildDense64(model);
  EXPECT_EQ(model.Predict(nullptr, 64, 1, out.data(), 10).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(input.data(), 64, 1, nullptr, 10).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(input.data(), 64, 0, out.data(), 10).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(model.Predict(input.data(), 64 * 5, 5, out.data(), 50).code(), StatusCode::kOutOfRange);  // > max_batch
}

}  // namespace
}  // namespace mote
