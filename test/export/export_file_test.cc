// ExportModelToFile and Int8CalibratedOn (src/export/export_file.cc).
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "mote/build.h"
#include "mote/export.h"
#include "mote/host_runtime.h"

namespace mote {
namespace {

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::vector<uint8_t> bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return bytes;
  uint8_t buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

TEST(ExportModelToFile, WritesWhatExportModelMakesAndInt8Calibrates) {
  Model model;
  ASSERT_TRUE(Sequential(model, {6}, layers::Dense(8), layers::ReLU(), layers::Dense(3)).ok());
  model.SetLoss(losses::SoftmaxCrossEntropy());
  model.SetOptimizer(optimizers::Sgd());
  ASSERT_TRUE(model.Prepare(4, 3).ok());
  Dataset data;
  data.item_shape = Shape(6);
  for (int i = 0; i < 60; ++i) data.x.push_back(float(i % 7) / 7.0f - 0.3f);
  data.labels.assign(10, 1);

  const std::string path = ::testing::TempDir() + "export_file_test_" + std::to_string(getpid()) + ".mote";
  for (const bool int8 : {false, true}) {
    const ExportOptions options = int8 ? Int8CalibratedOn(data, 1000) : ExportOptions{};
    if (int8) {
      EXPECT_EQ(options.calibration_count, 10u);  // capped at the data set's size
    }
    ASSERT_TRUE(ExportModelToFile(model, options, path).ok());
    std::vector<uint8_t> expected;
    ASSERT_TRUE(ExportModel(model, options, &expected).ok());
    EXPECT_EQ(ReadAll(path), expected);
    HostRuntime rt;
    EXPECT_TRUE(rt.Load(expected.data(), expected.size()).ok());
  }
  std::remove(path.c_str());
  EXPECT_EQ(ExportModelToFile(model, ExportOptions{}, "/nonexistent-dir/x.mote").code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace mote
