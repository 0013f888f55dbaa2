// mote_rt_model_init and mote_rt_invoke allocate nothing (counted by
// test/support/allocation_counter.cc, linked into this binary only).
#include <gtest/gtest.h>

#include "allocation_counter.h"
#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(RuntimeNoAllocationTest, InitAndInvokeAllocateNothing) {
  for (const auto& bytes : {TinyF32Model(), TinyI8Model()}) {
    AlignedBytes model(bytes.data(), bytes.size());
    size_t need = 0;
    ASSERT_EQ(mote_rt_arena_bytes(model.data(), model.size(), &need), MOTE_RT_OK);
    AlignedBytes arena(need);
    mote_rt_model m;
    AllocationScope scope;
    ASSERT_EQ(mote_rt_model_init(&m, model.data(), model.size(), arena.data(), arena.size()), MOTE_RT_OK);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(mote_rt_invoke(&m), MOTE_RT_OK);
    EXPECT_EQ(scope.count(), 0u);
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
