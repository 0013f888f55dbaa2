// Kernel preconditions (src/kernels/kernel-preconditions.h): in a debug build
// (no NDEBUG, like the library's) the public kernels report a broken
// contract through MOTE_DCHECK before running; release builds skip the test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mote/dcheck.h"
#include "mote/kernels.h"

namespace mote {
namespace {

std::vector<std::string> g_failed;

void Record(const char*, int, const char* condition) { g_failed.push_back(condition); }

class KernelPreconditionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef NDEBUG
    GTEST_SKIP() << "MOTE_DCHECK is off in release builds";
#endif
    g_failed.clear();
    SetDCheckHandler(&Record);
  }
  void TearDown() override { SetDCheckHandler(nullptr); }
};

// Every call below reads and writes inside its buffers: the broken leading
// dimensions matter only for rows the call does not have (m = 1).
TEST_F(KernelPreconditionsTest, DenseRowsChecksItsLeadingDimensions) {
  std::vector<float> a(8, 1.0f), w(8, 1.0f), c(8, 0.0f);
  kernels::F32DenseRows(1, 1, 4, a.data(), 4, w.data(), 4, nullptr, -1e30f, 1e30f, c.data(), 1);
  EXPECT_TRUE(g_failed.empty());
  kernels::F32DenseRows(1, 1, 4, a.data(), 2, w.data(), 4, nullptr, -1e30f, 1e30f, c.data(), 1);
  ASSERT_EQ(g_failed.size(), 1u);
  EXPECT_EQ(g_failed[0], "FitsRows(m, k, lda)");
}

TEST_F(KernelPreconditionsTest, GemmChecksItsLeadingDimensions) {
  std::vector<float> a(16, 1.0f), b(16, 1.0f), c(16, 0.0f);
  std::vector<float> workspace(kernels::F32GemmWorkspaceFloats(1, 2, 2));
  using kernels::Transpose;
  kernels::F32Gemm(Transpose::kNo, Transpose::kNo, 1, 2, 2, a.data(), 2, b.data(), 2, c.data(), 2, false,
                   workspace.data());
  EXPECT_TRUE(g_failed.empty());
  kernels::F32Gemm(Transpose::kNo, Transpose::kNo, 1, 2, 2, a.data(), 2, b.data(), 2, c.data(), 1, false,
                   workspace.data());
  ASSERT_EQ(g_failed.size(), 1u);
  EXPECT_EQ(g_failed[0], "FitsRows(m, n, ldc)");
}

}  // namespace
}  // namespace mote
