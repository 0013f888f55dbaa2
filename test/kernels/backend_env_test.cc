// MOTE_BACKEND picks the backend at the first kernel call. Meson runs this
// binary with MOTE_BACKEND set and MOTE_EXPECTED_BACKEND naming the result.
#include <gtest/gtest.h>

#include <cstdlib>

#include "mote/kernels.h"

namespace mote {
namespace {

TEST(BackendEnvironment, FirstCallHonoursMoteBackend) {
  const char* expected_name = std::getenv("MOTE_EXPECTED_BACKEND");
  ASSERT_NE(expected_name, nullptr) << "run through meson test";
  Backend expected;
  ASSERT_TRUE(ParseBackend(expected_name, &expected).ok());
  if (!BackendAvailable(expected)) GTEST_SKIP() << expected_name << " is not built here";
  EXPECT_EQ(ActiveBackend(), expected) << "MOTE_BACKEND=" << std::getenv("MOTE_BACKEND");
}

}  // namespace
}  // namespace mote
