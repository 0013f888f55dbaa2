#include "mote/plots.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace mote {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(Plots, LearningCurvesHaveOnePointPerEpochPerSeries) {
  History h;
  for (uint32_t e = 1; e <= 5; ++e) {
    EpochMetrics m;
    m.epoch = e;
    m.epochs = 5;
    m.loss = 1.0f / float(e);
    m.accuracy = 0.5f + 0.08f * float(e);
    m.has_validation = e != 3;  // a missing validation value is skipped, not drawn at 0
    m.val_loss = 1.2f / float(e);
    m.val_accuracy = 0.45f + 0.08f * float(e);
    h.Append(m);
  }
  const std::string path = ::testing::TempDir() + "curves.svg";
  ASSERT_TRUE(WriteLearningCurvesSvg(h, path).ok());
  const std::string svg = Read(path);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  ASSERT_EQ(Count(svg, "<polyline class=\"train\""), 2u);       // loss and accuracy
  ASSERT_EQ(Count(svg, "<polyline class=\"validation\""), 2u);
  // Each training polyline has 5 points, each validation one 4 (epoch 3 had none).
  const size_t first = svg.find("<polyline class=\"train\"");
  const std::string points = svg.substr(svg.find("points=\"", first) + 8);
  EXPECT_EQ(Count(points.substr(0, points.find('"')), ","), 5u);
  EXPECT_EQ(WriteLearningCurvesSvg(History(), path).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteLearningCurvesSvg(h, "/nonexistent-dir/x.svg").code(), StatusCode::kIoError);
}

TEST(Plots, ConfusionMatrixCountsAndDraws) {
  const float outputs[] = {0.9f, 0.1f, 0.0f,   // predicted 0
                           0.1f, 0.8f, 0.1f,   // predicted 1
                           0.2f, 0.7f, 0.1f,   // predicted 1
                           0.0f, 0.1f, 0.9f};  // predicted 2
  const int32_t labels[] = {0, 1, 2, 2};
  std::vector<uint32_t> counts;
  ASSERT_TRUE(ConfusionMatrix(outputs, labels, 4, 3, &counts).ok());
  const std::vector<uint32_t> want = {1, 0, 0, 0, 1, 0, 0, 1, 1};
  EXPECT_EQ(counts, want);
  const std::string path = ::testing::TempDir() + "confusion.svg";
  ASSERT_TRUE(WriteConfusionMatrixSvg(counts, 3, {"a", "b", "c"}, path).ok());
  const std::string svg = Read(path);
  EXPECT_EQ(Count(svg, "<rect class=\"cell\""), 9u);
  EXPECT_NE(svg.find(">a</text>"), std::string::npos);
  const int32_t bad[] = {0, 1, 3, 2};
  EXPECT_EQ(ConfusionMatrix(outputs, bad, 4, 3, &counts).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteConfusionMatrixSvg(counts, 2, {}, path).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
