// Backend selection: names, availability, run-time switching, Highway target
// restriction.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

TEST(Backend, NamesRoundTrip) {
  for (int i = 0; i < kBackendCount; ++i) {
    Backend parsed;
    ASSERT_TRUE(ParseBackend(BackendName(Backend(i)), &parsed).ok());
    EXPECT_EQ(parsed, Backend(i));
  }
  Backend out = Backend::kScalar;
  EXPECT_EQ(ParseBackend("avx9000", &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBackend("hw", &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBackend("hwyy", &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBackend(nullptr, &out).code(), StatusCode::kInvalidArgument);
}

TEST(Backend, ScalarAlwaysAvailableAndSwitchable) {
  EXPECT_TRUE(BackendAvailable(Backend::kScalar));
  testing::ScopedBackend scoped(Backend::kScalar);
  EXPECT_EQ(ActiveBackend(), Backend::kScalar);
  EXPECT_STREQ(BackendTarget(Backend::kScalar), "scalar");
}

TEST(Backend, SwitchingChangesTheKernelThatRuns) {
  // The same call gives results from each backend in turn; all agree.
  const float a[] = {1, 2, 3, 4};
  for (const Backend b : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!BackendAvailable(b)) {
      EXPECT_EQ(SetBackend(b).code(), StatusCode::kUnsupported);
      continue;
    }
    testing::ScopedBackend scoped(b);
    EXPECT_EQ(ActiveBackend(), b);
    float y[4];
    kernels::F32Add(4, a, a, y);
    EXPECT_EQ(y[3], 8.0f);
  }
}

#if MOTE_HAVE_HWY
TEST(Backend, HighwayTargetsCanBeRestricted) {
  int64_t targets[32];
  const size_t count = HwyAvailableTargets(targets, 32);
  ASSERT_GE(count, 1u);
  for (size_t i = 0; i < count; ++i) {
    testing::ScopedBackend scoped(Backend::kHwy, targets[i]);
    EXPECT_STREQ(BackendTarget(Backend::kHwy), HwyTargetName(targets[i]));
  }
  // After the scope the best target is chosen again.
  EXPECT_STREQ(BackendTarget(Backend::kHwy), HwyTargetName(targets[0]));
  // A target bit that is not available is refused.
  int64_t all = 0;
  for (size_t i = 0; i < count; ++i) all |= targets[i];
  int64_t missing = 1;
  while (missing & all) missing <<= 1;
  EXPECT_EQ(RestrictHwyTargets(missing).code(), StatusCode::kUnsupported);
  EXPECT_STREQ(BackendTarget(Backend::kHwy), HwyTargetName(targets[0]));
}
#endif

#if MOTE_HAVE_XSIMD
TEST(Backend, XsimdReportsItsArch) {
  if (!BackendAvailable(Backend::kXsimd)) GTEST_SKIP() << "no xsimd arch for this CPU";
  const std::string arch = BackendTarget(Backend::kXsimd);
  EXPECT_FALSE(arch.empty());
  EXPECT_NE(arch, "unavailable");
}
#endif

}  // namespace
}  // namespace mote
