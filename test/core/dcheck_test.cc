// MOTE_DCHECK (src/core/dcheck.cc): checked without NDEBUG, the handler sees
// the failed condition; with NDEBUG the condition is not evaluated. This file
// is compiled without NDEBUG whatever the build type.
#undef NDEBUG
#include "mote/dcheck.h"

#include <gtest/gtest.h>

#include <string>

namespace mote {
namespace {

int g_failures = 0;
std::string g_condition;

void RecordFailure(const char*, int, const char* condition) {
  ++g_failures;
  g_condition = condition;
}

struct ScopedHandler {
  ScopedHandler() {
    g_failures = 0;
    SetDCheckHandler(&RecordFailure);
  }
  ~ScopedHandler() { SetDCheckHandler(nullptr); }
};

TEST(DCheckTest, PassingChecksCallNothing) {
  ScopedHandler handler;
  const int n = 3;
  MOTE_DCHECK(n == 3);
  MOTE_DCHECK(n > 0 && n < 4);
  EXPECT_EQ(g_failures, 0);
}

TEST(DCheckTest, AFailedCheckCallsTheHandlerWithItsCondition) {
  ScopedHandler handler;
  const int lda = 2, k = 5;
  MOTE_DCHECK(lda >= k);
  EXPECT_EQ(g_failures, 1);
  EXPECT_EQ(g_condition, "lda >= k");
}

TEST(DCheckDeathTest, TheDefaultHandlerAborts) {
  SetDCheckHandler(nullptr);
  EXPECT_DEATH(MOTE_DCHECK(1 + 1 == 3), "MOTE_DCHECK\\(1 \\+ 1 == 3\\) failed");
}

}  // namespace
}  // namespace mote
