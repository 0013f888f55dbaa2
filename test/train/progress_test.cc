#include "mote/progress.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "allocation_counter.h"

namespace mote {
namespace {

TEST(FormatEpochLine, WithValidation) {
  EpochMetrics m;
  m.epoch = 3;
  m.epochs = 10;
  m.seconds = 12.1;
  m.loss = 0.31f;
  m.accuracy = 0.89f;
  m.has_validation = true;
  m.val_loss = 0.33f;
  m.val_accuracy = 0.88f;
  EXPECT_EQ(FormatEpochLine(m),
            "epoch 3/10 - 12.1s - loss: 0.3100 - accuracy: 0.8900 - val_loss: 0.3300 - val_accuracy: 0.8800");
}

TEST(FormatEpochLine, WithoutValidationAndRounding) {
  EpochMetrics m;
  m.epoch = 1;
  m.epochs = 200;
  m.seconds = 0.04;
  m.loss = 2.302585f;
  m.accuracy = 0.12345f;
  m.val_loss = 9.0f;  // ignored: has_validation is false
  EXPECT_EQ(FormatEpochLine(m), "epoch 1/200 - 0.0s - loss: 2.3026 - accuracy: 0.1235");
  m.seconds = 125.96;
  m.loss = 0.0f;
  m.accuracy = 1.0f;
  EXPECT_EQ(FormatEpochLine(m), "epoch 1/200 - 126.0s - loss: 0.0000 - accuracy: 1.0000");
  m.loss = NAN;
  EXPECT_EQ(FormatEpochLine(m), "epoch 1/200 - 126.0s - loss: nan - accuracy: 1.0000");
}

TEST(FormatEpochLine, ThreadCountAfterTheSeconds) {
  EpochMetrics m;
  m.epoch = 2;
  m.epochs = 5;
  m.seconds = 3.0;
  m.threads = 2;
  EXPECT_EQ(FormatEpochLine(m), "epoch 2/5 - 3.0s - 2 threads - loss: 0.0000 - accuracy: 0.0000");
  m.threads = 1;
  EXPECT_EQ(FormatEpochLine(m), "epoch 2/5 - 3.0s - 1 thread - loss: 0.0000 - accuracy: 0.0000");
}

std::string Render(size_t done, size_t total, double eta, double elapsed, float loss, float accuracy = NAN) {
  char buf[ProgressBar::kLineBytes];
  const size_t n = ProgressBar::Render(buf, sizeof(buf), done, total, eta, elapsed, loss, accuracy);
  EXPECT_EQ(n, strlen(buf));
  return buf;
}

TEST(ProgressBar, RenderKerasStyle) {
  EXPECT_EQ(Render(1200, 60000, 10.2, 0.2, 0.51234f), "  1200/60000 [..............................] - ETA: 10s - loss: 0.5123");
  EXPECT_EQ(Render(4000, 60000, 65, 1, 0.5f), "  4000/60000 [=>............................] - ETA: 1:05 - loss: 0.5000");
  EXPECT_EQ(Render(30000, 60000, 3723, 1, 0.25f, 0.875f),
            " 30000/60000 [==============>...............] - ETA: 1:02:03 - loss: 0.2500 - accuracy: 0.8750");
  EXPECT_EQ(Render(60000, 60000, -1, 12.4, 0.3f), " 60000/60000 [==============================] - 12s - loss: 0.3000");
  EXPECT_EQ(Render(0, 7, -1, 0, 1.0f), " 0/7 [..............................] - loss: 1.0000");
  EXPECT_EQ(Render(0, 0, -1, 0.6, 1.0f), " 0/0 [==============================] - 1s - loss: 1.0000");
}

TEST(ProgressBar, RenderTruncatesToTheBuffer) {
  char buf[20];
  const size_t n = ProgressBar::Render(buf, sizeof(buf), 1, 100, 5, 1, 0.5f, 0.5f);
  EXPECT_EQ(n, 19u);
  EXPECT_EQ(strlen(buf), 19u);
  EXPECT_EQ(std::string(buf), "   1/100 [.........");
}

std::string Contents(FILE* f) {
  fflush(f);
  rewind(f);
  std::string s;
  int c;
  while ((c = fgetc(f)) != EOF) s.push_back(static_cast<char>(c));
  return s;
}

TEST(ProgressBar, SilentWhenNotATerminal) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar autodetect(100, f);  // a file is not a terminal
  EXPECT_FALSE(autodetect.enabled());
  ProgressBar never(100, f, ProgressBar::Mode::kNever);
  EXPECT_FALSE(never.enabled());
  for (size_t i = 0; i <= 100; ++i) {
    autodetect.Update(i, 0.5f);
    never.Update(i, 0.5f, 0.5f);
  }
  autodetect.Finish();
  never.Finish();
  EXPECT_EQ(Contents(f), "");
  EXPECT_EQ(autodetect.draws(), 0u);
  fclose(f);
}

TEST(ProgressBar, RedrawsAtMostTenTimesPerSecond) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar(1000, f, ProgressBar::Mode::kAlways);
  ASSERT_TRUE(bar.enabled());
  // 1000 updates over 2 seconds: draws at 0, 0.1, ..., and the last one.
  for (size_t i = 1; i <= 1000; ++i) bar.UpdateAt(i, 1.0f, NAN, 0.002 * static_cast<double>(i));
  EXPECT_GE(bar.draws(), 19u);
  EXPECT_LE(bar.draws(), 22u);
  EXPECT_EQ(std::string(bar.line()), " 1000/1000 [==============================] - 2s - loss: 1.0000");
  const std::string out = Contents(f);
  EXPECT_EQ(out.front(), '\r');
  EXPECT_EQ(out.find('\n'), std::string::npos);
  // The last thing drawn is the full bar.
  std::string last = out.substr(out.rfind('\r') + 1);
  last.erase(last.find_last_not_of(' ') + 1);  // blanks over the longer ETA line
  EXPECT_EQ(last, bar.line());
  fclose(f);
}

TEST(ProgressBar, ShorterLineBlanksTheOldTailAndFinishErases) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar(10, f, ProgressBar::Mode::kAlways);
  bar.UpdateAt(1, 0.5f, 0.5f, 0.0);
  const std::string first = bar.line();
  bar.UpdateAt(2, 0.5f, NAN, 1.0);  // drops " - accuracy: 0.5000"
  const std::string second = bar.line();
  ASSERT_LT(second.size(), first.size());
  bar.Finish();
  const std::string expected = "\r" + first + "\r" + second + std::string(first.size() - second.size(), ' ') + "\r" +
                               std::string(second.size(), ' ') + "\r";
  EXPECT_EQ(Contents(f), expected);
  fclose(f);
}

TEST(ProgressBar, UpdateDoesNotAllocate) {
  FILE* f = tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressBar bar(60000, f, ProgressBar::Mode::kAlways);
  bar.UpdateAt(0, 2.0f, NAN, 0.0);  // first write: stdio allocates its buffer here
  size_t allocations;
  {
    testing::AllocationScope scope;
    for (size_t i = 1; i <= 60000; i += 32) bar.UpdateAt(i, 1.0f / static_cast<float>(i), 0.5f, 0.001 * i);
    for (size_t i = 1; i <= 1000; ++i) bar.Update(i, 0.25f);
    bar.Update(60000, 0.1f, 0.9f);
    bar.Finish();
    allocations = scope.count();
  }
  EXPECT_EQ(allocations, 0u);
  EXPECT_GT(bar.draws(), 10u);
  fclose(f);
}

EpochMetrics Epoch(uint32_t e, float loss, float acc, bool val = false, float vl = 0, float va = 0) {
  EpochMetrics m;
  m.epoch = e;
  m.epochs = 5;
  m.seconds = e;
  m.loss = loss;
  m.accuracy = acc;
  m.has_validation = val;
  m.val_loss = vl;
  m.val_accuracy = va;
  return m;
}

TEST(History, AppendAndBestEpoch) {
  History h;
  size_t best = 99;
  EXPECT_EQ(h.BestEpoch("loss", MetricMode::kAuto, &best).code(), StatusCode::kOutOfRange);
  h.Append(Epoch(1, 0.9f, 0.6f));  // no validation in epoch 1
  h.Append(Epoch(2, 0.5f, 0.8f, true, 0.55f, 0.79f));
  h.Append(Epoch(3, 0.4f, 0.85f, true, 0.60f, 0.81f));
  h.Append(Epoch(4, 0.4f, 0.85f, true, 0.50f, 0.80f));
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h.epoch, (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_TRUE(std::isnan(h.val_loss[0]));
  EXPECT_TRUE(std::isnan(h.val_accuracy[0]));

  ASSERT_TRUE(h.BestEpoch("loss", MetricMode::kAuto, &best).ok());
  EXPECT_EQ(best, 2u);  // first of the tie 0.4 / 0.4
  ASSERT_TRUE(h.BestEpoch("accuracy", MetricMode::kAuto, &best).ok());
  EXPECT_EQ(best, 2u);
  ASSERT_TRUE(h.BestEpoch("val_loss", MetricMode::kAuto, &best).ok());
  EXPECT_EQ(best, 3u);
  ASSERT_TRUE(h.BestEpoch("val_accuracy", MetricMode::kAuto, &best).ok());
  EXPECT_EQ(best, 2u);
  EXPECT_EQ(h.epoch[best], 3u);
  ASSERT_TRUE(h.BestEpoch("val_loss", MetricMode::kMax, &best).ok());
  EXPECT_EQ(best, 2u);
  ASSERT_TRUE(h.BestEpoch("accuracy", MetricMode::kMin, &best).ok());
  EXPECT_EQ(best, 0u);

  EXPECT_EQ(h.BestEpoch("val_acc", MetricMode::kAuto, &best).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.BestEpoch(nullptr, MetricMode::kAuto, &best).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.BestEpoch("loss", MetricMode::kAuto, nullptr).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Metric("loss"), &h.loss);
  EXPECT_EQ(h.Metric("nope"), nullptr);

  History no_val;
  no_val.Append(Epoch(1, 1.0f, 0.5f));
  EXPECT_EQ(no_val.BestEpoch("val_loss", MetricMode::kAuto, &best).code(), StatusCode::kOutOfRange);
  no_val.Clear();
  EXPECT_EQ(no_val.size(), 0u);
}

}  // namespace
}  // namespace mote
