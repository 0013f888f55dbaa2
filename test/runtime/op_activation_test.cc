// SIGMOID, TANH and LEAKY_RELU: the training library's functions (SigmoidF,
// TanhF, the leaky slope) element by element, on an odd element count; what
// the loader refuses (bad alpha, other params, a clamp, int8, other dims).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "mote/math.h"
#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

int32_t FloatBits(float v) {
  int32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

std::vector<float> RunOp(MoteOpType type, const std::vector<float>& x, int32_t param0 = 0) {
  GraphBuilder g;
  const uint32_t n = uint32_t(x.size());
  const uint16_t xi = g.Act(MOTE_DTYPE_F32, {n});
  const uint16_t yi = g.Act(MOTE_DTYPE_F32, {n});
  g.Op(type, {xi}, yi).params[0] = param0;
  LoadedModel m;
  EXPECT_EQ(m.Load(g.Build({xi}, {yi})), MOTE_RT_OK);
  m.SetInput(0, x);
  EXPECT_EQ(m.Invoke(), MOTE_RT_OK);
  return m.Output<float>(0);
}

TEST(OpActivationTest, SigmoidAndTanhAreTheLibrarysFunctions) {
  std::vector<float> x = RandomF32(37, 4, -9.0f, 9.0f);
  x.push_back(0.0f);
  x.push_back(-30.0f);
  x.push_back(30.0f);
  const std::vector<float> s = RunOp(MOTE_OP_SIGMOID, x), t = RunOp(MOTE_OP_TANH, x);
  ASSERT_EQ(s.size(), x.size());
  ASSERT_EQ(t.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    // Within an ulp: the kernel backend's lanes (kernel_list.inc).
    EXPECT_NEAR(s[i], SigmoidF(x[i]), 1.2e-7f * std::fabs(SigmoidF(x[i])) + 1e-30f) << x[i];
    EXPECT_NEAR(t[i], TanhF(x[i]), 1.2e-7f * std::fabs(TanhF(x[i])) + 1e-30f) << x[i];
    EXPECT_NEAR(s[i], 1.0 / (1.0 + std::exp(-double(x[i]))), 1e-6) << x[i];
    EXPECT_NEAR(t[i], std::tanh(double(x[i])), 1e-6) << x[i];
  }
}

TEST(OpActivationTest, LeakyReluScalesNegativesByAlpha) {
  const std::vector<float> x = {-2.0f, -0.5f, 0.0f, 0.25f, 3.0f, -1e-3f, 7.5f};
  const std::vector<float> y = RunOp(MOTE_OP_LEAKY_RELU, x, FloatBits(0.2f));
  const std::vector<float> want = {-2.0f * 0.2f, -0.5f * 0.2f, 0.0f, 0.25f, 3.0f, -1e-3f * 0.2f, 7.5f};
  EXPECT_EQ(y, want);
}

TEST(OpActivationTest, LoaderRefusesWhatTheOpsDoNotTake) {
  auto status = [](MoteOpType type, MoteDType out_dtype, uint32_t out_n, void (*edit)(MoteOpRecord&)) {
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_F32, {5});
    const uint16_t yi = g.Act(out_dtype, {out_n}, out_dtype == MOTE_DTYPE_I8 ? 0.1f : 0.0f);
    MoteOpRecord& op = g.Op(type, {xi}, yi);
    if (type == MOTE_OP_LEAKY_RELU) op.params[0] = FloatBits(0.1f);
    edit(op);
    LoadedModel m;
    return m.Load(g.Build({xi}, {yi}));
  };
  auto none = [](MoteOpRecord&) {};
  for (MoteOpType type : {MOTE_OP_SIGMOID, MOTE_OP_TANH, MOTE_OP_LEAKY_RELU}) {
    SCOPED_TRACE(type);
    EXPECT_EQ(status(type, MOTE_DTYPE_F32, 5, none), MOTE_RT_OK);
    EXPECT_EQ(status(type, MOTE_DTYPE_F32, 4, none), MOTE_RT_BAD_SHAPE);
    EXPECT_EQ(status(type, MOTE_DTYPE_I8, 5, none), MOTE_RT_BAD_TENSOR);
    EXPECT_EQ(status(type, MOTE_DTYPE_F32, 5, [](MoteOpRecord& op) { op.params[3] = 1; }), MOTE_RT_BAD_PARAMS);
    EXPECT_NE(status(type, MOTE_DTYPE_F32, 5, [](MoteOpRecord& op) { op.act_min = 0.0f; }), MOTE_RT_OK);
  }
  EXPECT_EQ(status(MOTE_OP_SIGMOID, MOTE_DTYPE_F32, 5, [](MoteOpRecord& op) { op.params[0] = 1; }),
            MOTE_RT_BAD_PARAMS);
  for (const float bad : {NAN, INFINITY, -INFINITY}) {
    static float alpha;
    alpha = bad;
    EXPECT_EQ(status(MOTE_OP_LEAKY_RELU, MOTE_DTYPE_F32, 5, [](MoteOpRecord& op) { op.params[0] = FloatBits(alpha); }),
              MOTE_RT_BAD_PARAMS)
        << bad;
  }
}

}  // namespace
}  // namespace testing
}  // namespace mote
