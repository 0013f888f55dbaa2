// RESHAPE: aliasing output (free) and copying output, f32 and from a constant.
#include <gtest/gtest.h>

#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpReshapeTest, AliasOrCopyKeepsTheBytes) {
  const auto x = RandomF32(12, 1);
  for (const bool alias : {true, false}) {
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_F32, {2, 2, 3});
    const uint16_t yi = alias ? g.ActAt(MOTE_DTYPE_F32, {12}, g.tensor(xi).offset) : g.Act(MOTE_DTYPE_F32, {3, 4});
    g.Op(MOTE_OP_RESHAPE, {xi}, yi);
    LoadedModel m;
    ASSERT_EQ(m.Load(g.Build({xi}, {yi})), MOTE_RT_OK);
    m.SetInput(0, x);
    ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
    EXPECT_EQ(m.Output<float>(0), x);
    mote_rt_tensor t;
    ASSERT_EQ(mote_rt_output(&m.model(), 0, &t), MOTE_RT_OK);
    EXPECT_EQ(t.rank, alias ? 1 : 2);
  }
  // A constant reshaped into the arena (then used as an output).
  GraphBuilder g;
  const uint16_t in = g.Act(MOTE_DTYPE_F32, {1});
  const uint16_t y = g.Act(MOTE_DTYPE_F32, {3, 4});
  g.Op(MOTE_OP_RESHAPE, {g.ConstF32({12}, x)}, y);
  LoadedModel m;
  ASSERT_EQ(m.Load(g.Build({in}, {y})), MOTE_RT_OK);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  EXPECT_EQ(m.Output<float>(0), x);
}

}  // namespace
}  // namespace testing
}  // namespace mote
