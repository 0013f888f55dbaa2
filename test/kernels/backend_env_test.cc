// MOTE_BACKEND picks the backend at the first kernel call. Meson runs this
// binary with MOTE_BACKEND set and MOTE_EXPECTED_BACKEND naming the result.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

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

// MOTE_GEMM_TILE forces the GEMM's register-tile family when the active
// backend has one of that name (meson sets it to one of Highway AVX3's).
TEST(BackendEnvironment, MoteGemmTileForcesTheFamily) {
  const char* want = std::getenv("MOTE_GEMM_TILE");
  if (want == nullptr) GTEST_SKIP() << "MOTE_GEMM_TILE not set";
  const char* names[16];
  const size_t count = kernels::F32GemmTiles(names, 16);
  ASSERT_GE(count, 1u);
  bool has = false;
  for (size_t i = 1; i < count && i < 16; ++i) has = has || std::strcmp(names[i], want) == 0;
  if (!has && std::strcmp(names[0], want) != 0) GTEST_SKIP() << "the active backend has no tile " << want;
  EXPECT_STREQ(names[0], want);
  EXPECT_STREQ(kernels::F32GemmTileReason(), "forced by MOTE_GEMM_TILE");
  // Another family for a while, then null goes back to the environment's.
  ASSERT_TRUE(kernels::SetF32GemmTile(names[count - 1]).ok());
  ASSERT_TRUE(kernels::SetF32GemmTile(nullptr).ok());
  kernels::F32GemmTiles(names, 16);
  EXPECT_STREQ(names[0], want);
  EXPECT_STREQ(kernels::F32GemmTileReason(), "forced by MOTE_GEMM_TILE");
}

}  // namespace
}  // namespace mote
