// HostRuntime (src/export/host_runtime.cc): buffer sizes are checked before
// the runtime's tensors are filled or read, so a short buffer is an error, not
// a read or write past its end (checked by the sanitizer build).
#include "mote/host_runtime.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/export.h"
#include "mote/layers.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"

namespace mote {
namespace {

// A 64-input, 10-output dense model, exported fp32.
std::vector<uint8_t> Dense64Bytes() {
  Model model;
  model.Input(Shape(64));
  model.Add(std::make_unique<Dense>(10));
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<Sgd>());
  EXPECT_TRUE(model.Prepare(1, 1).ok());
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(ExportModel(model, ExportOptions{}, &bytes).ok());
  return bytes;
}

TEST(HostRuntime, ShortInputIsAnError) {
  const std::vector<uint8_t> bytes = Dense64Bytes();
  HostRuntime rt;
  ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  std::vector<float> input(63, 0.5f), out(10, -7.0f);
  const Status s = rt.Run(input.data(), input.size(), out.data(), out.size());
  EXPECT_EQ(s.code(), StatusCode::kShapeMismatch);
  EXPECT_NE(std::string(s.message()).find("63"), std::string::npos) << s.message();
  for (float v : out) EXPECT_EQ(v, -7.0f);
}

TEST(HostRuntime, ShortOutputIsAnError) {
  const std::vector<uint8_t> bytes = Dense64Bytes();
  HostRuntime rt;
  ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  std::vector<float> input(64, 0.5f), out(9);
  EXPECT_EQ(rt.Run(input.data(), input.size(), out.data(), out.size()).code(), StatusCode::kShapeMismatch);
}

TEST(HostRuntime, RunBatchChecksBothBuffers) {
  const std::vector<uint8_t> bytes = Dense64Bytes();
  HostRuntime rt;
  ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  std::vector<float> inputs(3 * 64, 0.25f), outputs(3 * 10);
  EXPECT_EQ(rt.RunBatch(inputs.data(), inputs.size() - 1, 3, outputs.data(), outputs.size()).code(),
            StatusCode::kShapeMismatch);
  EXPECT_EQ(rt.RunBatch(inputs.data(), inputs.size(), 3, outputs.data(), outputs.size() - 1).code(),
            StatusCode::kShapeMismatch);
  ASSERT_TRUE(rt.RunBatch(inputs.data(), inputs.size(), 3, outputs.data(), outputs.size()).ok());
  for (size_t j = 0; j < 10; ++j) EXPECT_EQ(outputs[j], outputs[20 + j]);
}

TEST(HostRuntime, RunBeforeLoadOrWithNullIsAnError) {
  HostRuntime rt;
  std::vector<float> input(64), out(10);
  EXPECT_EQ(rt.Run(input.data(), 64, out.data(), 10).code(), StatusCode::kInvalidArgument);
  const std::vector<uint8_t> bytes = Dense64Bytes();
  ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  EXPECT_EQ(rt.Run(nullptr, 64, out.data(), 10).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rt.Run(input.data(), 64, nullptr, 10).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
