#include "mote/status.h"

#include <gtest/gtest.h>

#include <cstring>

namespace mote {
namespace {

Status FailsWith(StatusCode code) { return Status(code, "failed on purpose"); }

int g_steps = 0;
Status TwoSteps(StatusCode first) {
  MOTE_TRY(FailsWith(first));
  ++g_steps;
  MOTE_TRY(Status::Ok());
  ++g_steps;
  return Status::Ok();
}

TEST(Status, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_STREQ(s.message(), "ok");
}

TEST(Status, HelpersCarryCodeAndMessage) {
  const Status s = OutOfMemory("arena full");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOutOfMemory);
  EXPECT_STREQ(s.message(), "arena full");
  EXPECT_STREQ(StatusCodeName(s.code()), "out of memory");
  EXPECT_EQ(ShapeMismatch("x").code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(CorruptData("x").code(), StatusCode::kCorruptData);
}

TEST(Status, TryReturnsFirstFailure) {
  g_steps = 0;
  const Status s = TwoSteps(StatusCode::kIoError);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(g_steps, 0);
  EXPECT_TRUE(TwoSteps(StatusCode::kOk).ok());
  EXPECT_EQ(g_steps, 2);
}

TEST(Status, EveryCodeHasAName) {
  for (int c = 0; c <= int(StatusCode::kInternal); ++c)
    EXPECT_STRNE(StatusCodeName(StatusCode(c)), "unknown status code") << c;
}

}  // namespace
}  // namespace mote
